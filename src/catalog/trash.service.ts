/**
 * Deleting a product moves it to the trash; restoring takes it back; deleting forever (one
 * product, the whole trash, or the expiry sweep) deletes the rows and only then lets go of
 * their images: the asset rows go and their objects are queued for purge in the same
 * transaction, so the purge worker never meets a key a row still references.
 *
 * @example
 *   await moveToTrash(deps, tenantId, 7);          // gone from the list, the page and the API
 *   await restoreFromTrash(deps, tenantId, 7);     // back, image and all
 *   await deleteForever(deps, tenantId, 7);        // row gone, image objects queued for purge
 */
import type { Db, Product } from '../db/schema.js';
import { AppError } from '../errors.js';
import { enqueuePurge } from '../jobs/purge-queue.repository.js';
import { assetObjectKeys, deleteAsset } from '../media/assets.repository.js';
import type { CatalogDeps } from './catalog.service.js';
import {
  listTrashed,
  restoreProduct,
  takeExpiredTrash,
  takeTrashed,
  trashedProductIdBySku,
  trashProduct,
  TRASH_DAYS,
  type PurgedProduct,
  type TrashedProduct,
} from './trash.repository.js';

export type TrashDeps = Pick<CatalogDeps, 'db' | 'onPurgeQueued'>;

/** How many rows one purge transaction takes (emptying a large trash runs several). */
export const PURGE_BATCH = 200;

function notFound(): AppError {
  return new AppError('NotFound', 'There is no such product.');
}

/** @throws AppError NotFound (no such live product of this tenant) */
export async function moveToTrash(deps: TrashDeps, tenantId: number, id: number): Promise<Product> {
  const product = await trashProduct(deps.db, tenantId, id);
  if (product === undefined) throw notFound();
  return product;
}

/** @throws AppError NotFound (no such trashed product of this tenant) */
export async function restoreFromTrash(deps: TrashDeps, tenantId: number, id: number): Promise<Product> {
  const product = await restoreProduct(deps.db, tenantId, id);
  if (product === undefined) throw notFound();
  return product;
}

export function listTrash(deps: TrashDeps, tenantId: number, options: { limit: number; offset: number }) {
  return listTrashed(deps.db, tenantId, options);
}

export function trashedIdBySku(deps: TrashDeps, tenantId: number, sku: string): Promise<number | undefined> {
  return trashedProductIdBySku(deps.db, tenantId, sku);
}

/** Deletes one trashed product for good. @throws AppError NotFound (not in this tenant's trash) */
export async function deleteForever(deps: TrashDeps, tenantId: number, id: number): Promise<void> {
  const taken = await purgeBatch(deps, (trx) => takeTrashed(trx, tenantId, { ids: [id], limit: 1 }));
  if (taken === 0) throw notFound();
}

/** How many batches one request to empty the trash runs: a bounded answer however large the trash. */
export const EMPTY_BATCHES = 5;

/**
 * Deletes the tenant's trash for good, a batch per transaction, at most {@link EMPTY_BATCHES}
 * batches; `more` says that products are left (the person empties it again, or they expire).
 */
export async function emptyTrash(deps: TrashDeps, tenantId: number): Promise<{ deleted: number; more: boolean }> {
  let deleted = 0;
  for (let batch = 0; batch < EMPTY_BATCHES; batch++) {
    const taken = await purgeBatch(deps, (trx) => takeTrashed(trx, tenantId, { limit: PURGE_BATCH }));
    deleted += taken;
    if (taken < PURGE_BATCH) return { deleted, more: false };
  }
  return { deleted, more: true };
}

/** One batch of the expiry sweep: products trashed more than 30 days before `now`. Returns how many went. */
export function purgeExpiredTrash(deps: TrashDeps, now: Date, limit = PURGE_BATCH): Promise<number> {
  const cutoff = new Date(now.getTime() - TRASH_DAYS * 86_400_000);
  return purgeBatch(deps, (trx) => takeExpiredTrash(trx, cutoff, limit));
}

/** Deletes the rows `take` returns and lets go of their images, in one transaction. */
async function purgeBatch(deps: TrashDeps, take: (trx: Db) => Promise<PurgedProduct[]>): Promise<number> {
  let queued = false;
  const taken = await deps.db.transaction().execute(async (trx) => {
    const rows = await take(trx);
    for (const row of rows) {
      if (row.image_asset_id === null) continue;
      const asset = await deleteAsset(trx, row.tenant_id, row.image_asset_id);
      if (asset === undefined) continue;
      await enqueuePurge(trx, assetObjectKeys(asset), row.tenant_id);
      queued = true;
    }
    return rows.length;
  });
  if (queued) deps.onPurgeQueued?.();
  return taken;
}

export type { TrashedProduct };
