/**
 * Creating, changing and deleting products together with their images, so that the database
 * and the object store never disagree for long:
 *
 * - an upload is put first (under its private `incoming` key, while its last request-time
 *   checks run), then the rows are committed; if the checks refuse it or the commit fails, the
 *   upload is deleted again before the error reaches the caller;
 * - a replaced or removed image's objects are queued for purge in the same transaction that
 *   lets go of them, and purged after the commit (jobs/purge-worker.ts);
 * - the image is processed after the commit (jobs/process-images.ts); until then the asset
 *   is `processing` and pages show a placeholder.
 *
 * Every function is scoped by tenant: another tenant's product id is NotFound, like an id
 * that does not exist.
 *
 * @example
 *   const product = await createProduct(deps, tenantId, input, { bytes, fileName, inspection: await startInspection(bytes) });
 */
import { v7 as uuidv7 } from 'uuid';
import type { MediaConfig } from '../config.js';
import type { AssetLocation, Db, PendingUpload, Product } from '../db/schema.js';
import { AppError, isAppError } from '../errors.js';
import { enqueuePurge } from '../jobs/purge-queue.repository.js';
import type { Logger } from '../logger.js';
import { assetObjectKeys, deleteAsset, insertAsset, type NewAsset } from '../media/assets.repository.js';
import type { Inspection } from '../media/inspect-upload.js';
import { takePendingUpload, type PendingOwner } from '../media/pending-uploads.repository.js';
import { incomingKey, newAssetPrefix, sanitizeFileName } from '../storage/key-locator.js';
import type { ResilientStore } from '../storage/fallback/resilient-store.js';
import type { ProductInput } from './product-input.js';
import {
  createProduct as insertProduct,
  deleteProduct as deleteProductRow,
  lockProduct,
  updateProduct as updateProductRow,
} from './products.repository.js';
import { trashedProductIdBySku } from './trash.repository.js';

export interface CatalogDeps {
  db: Db;
  /** Where uploads are put: the object store, or the fallback spool while it is failing. */
  stores: ResilientStore;
  logger: Logger;
  media: MediaConfig;
  /** After a commit that recorded an upload: hand its bytes to the processing worker. */
  onImageQueued?: ((assetId: string, bytes?: Buffer) => void) | undefined;
  /** After a commit that queued purges. */
  onPurgeQueued?: (() => void) | undefined;
  /** After an upload's rows were committed: where its bytes went. */
  onStored?: ((location: 'store' | 'spool', bytes: number) => void) | undefined;
}

/** An upload and its request-time checks (media/inspect-upload.ts), passed or still running. */
export interface ImageUpload {
  bytes: Buffer;
  /** The client's file name; kept sanitised as metadata, never in a key. */
  fileName?: string | undefined;
  /**
   * The upload is put while the checks run; if they refuse it, it is deleted again and the
   * create or update rejects with their refusal: nothing stored, no rows.
   */
  inspection: Inspection;
}

/**
 * An image kept from an earlier, refused submit of the same form (media/pending-uploads.repository.ts):
 * its row is taken in the transaction that commits the product, and its object becomes the
 * asset's source, so processing reads it from the store and nothing is sent or copied again.
 */
export interface PendingImage {
  pending: PendingOwner;
  /** The moment of the submit (the app's clock): an upload that expired before it is not used. */
  at: Date;
}

/** A new upload, or a pending one. */
export type ImageSource = ImageUpload | PendingImage;

export interface ImageChange {
  /** A new image replacing the current one. */
  image?: ImageSource | undefined;
  /** Remove the current image (ignored when `image` is given). */
  removeImage?: boolean | undefined;
}

function notFound(): AppError {
  return new AppError('NotFound', 'There is no such product.');
}

export async function createProduct(
  deps: CatalogDeps,
  tenantId: number,
  input: ProductInput,
  image?: ImageSource,
  signal?: AbortSignal,
): Promise<Product> {
  return withUpload(deps, tenantId, image, signal, (asset, db) => insertProduct(db, tenantId, input, asset)).catch((err: unknown) =>
    skuInTrash(deps, tenantId, input.sku, err),
  );
}

/**
 * A duplicate SKU held by a product in the trash says so (the unique index spans the trash):
 * restoring that product is usually what the owner wants. Looked up after the failed write,
 * outside its (aborted) transaction.
 */
async function skuInTrash(deps: Pick<CatalogDeps, 'db'>, tenantId: number, sku: string | undefined, err: unknown): Promise<never> {
  if (sku === undefined || !isAppError(err, 'Conflict') || deps.db.isTransaction) throw err;
  const trashed = await trashedProductIdBySku(deps.db, tenantId, sku);
  if (trashed === undefined) throw err;
  throw new SkuInTrashError(trashed, sku, err);
}

/** A Conflict whose SKU belongs to a product in the trash: the page offers the way to restore it. */
export class SkuInTrashError extends AppError {
  override readonly name = 'SkuInTrashError';

  constructor(
    readonly trashedProductId: number,
    sku: string,
    cause: unknown,
  ) {
    super(
      'Conflict',
      `A product in the trash (id ${trashedProductId}) has SKU "${sku}". Restore it (POST /api/v1/products/${trashedProductId}/restore) or choose another SKU.`,
      { cause },
    );
  }
}

/** Changes the given fields and, optionally, the image. @throws AppError NotFound | Conflict | Unprocessable */
export async function updateProduct(
  deps: CatalogDeps,
  tenantId: number,
  id: number,
  patch: Partial<ProductInput>,
  change: ImageChange = {},
  signal?: AbortSignal,
): Promise<Product> {
  let purged = false;
  const product = await withUpload(deps, tenantId, change.image, signal, (asset, db) =>
    inTransaction(db, async (trx) => {
      const current = await lockProduct(trx, tenantId, id);
      if (current === undefined) throw notFound();
      if (asset !== undefined) await insertAsset(trx, asset);
      const imageAssetId = asset !== undefined ? asset.id : change.removeImage ? null : undefined;
      const updated = await updateProductRow(trx, tenantId, id, { ...patch, imageAssetId });
      if (updated === undefined) throw notFound();
      if (imageAssetId !== undefined && current.image_asset_id !== null) purged = await dropAsset(trx, tenantId, current.image_asset_id);
      return updated;
    }),
  ).catch((err: unknown) => skuInTrash(deps, tenantId, patch.sku, err));
  if (purged) deps.onPurgeQueued?.();
  return product;
}

/**
 * Deletes a product for good (not to the trash: see trash.service.ts), its image queued for
 * purge. For the importer's take-back of a product whose image failed. @throws AppError NotFound
 */
export async function deleteProduct(deps: CatalogDeps, tenantId: number, id: number): Promise<Product> {
  let purged = false;
  const product = await deps.db.transaction().execute(async (trx) => {
    const deleted = await deleteProductRow(trx, tenantId, id);
    if (deleted === undefined) throw notFound();
    if (deleted.image_asset_id !== null) purged = await dropAsset(trx, tenantId, deleted.image_asset_id);
    return deleted;
  });
  if (purged) deps.onPurgeQueued?.();
  return product;
}

/** Deletes the asset row and queues its objects for purge, in the caller's transaction. */
async function dropAsset(trx: Db, tenantId: number, assetId: string): Promise<boolean> {
  const old = await deleteAsset(trx, tenantId, assetId);
  if (old === undefined) return false;
  await enqueuePurge(trx, assetObjectKeys(old), tenantId);
  return true;
}

/**
 * Puts the upload under a fresh asset's `incoming` key, runs `work` with the asset row to
 * insert, and hands the bytes to processing once `work` has committed. If `work` fails, the
 * upload is deleted again (if even that fails, `vitrina storage reconcile` finds it).
 */
async function withUpload<T>(
  deps: CatalogDeps,
  tenantId: number,
  image: ImageSource | undefined,
  signal: AbortSignal | undefined,
  work: (asset: NewAsset | undefined, db: Db) => Promise<T>,
): Promise<T> {
  if (image === undefined) return work(undefined, deps.db);
  if ('pending' in image) return withPendingUpload(deps, tenantId, image, work);
  const id = uuidv7();
  const sourceKey = incomingKey(tenantId, id);
  const originalName = sanitizeFileName(image.fileName, 'image');
  const { type } = image.inspection;
  const [checks, stored] = await Promise.allSettled([
    image.inspection.result,
    deps.stores.put(sourceKey, image.bytes, {
      contentType: type.mime,
      contentLength: image.bytes.length,
      metadata: { 'original-name': encodeURIComponent(originalName) },
      signal,
    }),
  ]);
  if (checks.status === 'rejected') {
    if (stored.status === 'fulfilled') await discardUpload(deps, stored.value.location, sourceKey, tenantId);
    throw checks.reason;
  }
  if (stored.status === 'rejected') throw stored.reason;
  const { location, result: put } = stored.value;
  const inspected = checks.value;
  const asset: NewAsset = {
    id,
    tenantId,
    keyPrefix: newAssetPrefix(tenantId, id),
    location,
    status: 'processing',
    contentType: type.mime,
    bytes: put.size,
    sha256: put.sha256,
    width: inspected.width,
    height: inspected.height,
    originalName,
    sourceKey,
  };
  let result: T;
  try {
    result = await work(asset, deps.db);
  } catch (err) {
    await discardUpload(deps, location, sourceKey, tenantId);
    throw err;
  }
  deps.logger.info(
    {
      event: location === 'spool' ? 'spooled' : 'stored',
      tenantId,
      assetId: id,
      key: sourceKey,
      bytes: put.size,
      type: asset.contentType,
      location,
    },
    location === 'spool'
      ? 'upload kept in the fallback spool (object store failing); processing queued'
      : 'upload stored; processing queued',
  );
  deps.onStored?.(location, put.size);
  deps.onImageQueued?.(id, image.bytes);
  return result;
}

/**
 * Takes the pending upload and runs `work` with an asset whose source is the pending object, in
 * one transaction: the row is used once (a second submit finds none: PendingUploadGone), and
 * the object is never deleted while the asset references it (jobs/purge-worker.ts).
 */
async function withPendingUpload<T>(
  deps: CatalogDeps,
  tenantId: number,
  image: PendingImage,
  work: (asset: NewAsset | undefined, db: Db) => Promise<T>,
): Promise<T> {
  if (image.pending.tenantId !== tenantId) throw pendingGone();
  const id = uuidv7();
  let queued: PendingUpload | undefined;
  const result = await deps.db.transaction().execute(async (trx) => {
    const row = await takePendingUpload(trx, image.pending, image.at);
    if (row === undefined) throw pendingGone();
    queued = row;
    return work(pendingAsset(row, id), trx);
  });
  deps.logger.info({ event: 'stored', tenantId, assetId: id, key: queued?.key, pending: true }, 'pending upload used; processing queued');
  deps.onImageQueued?.(id);
  return result;
}

/** Runs `fn` in `db` if it is a transaction already, else in a new one. */
function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

function pendingGone(): AppError {
  return new AppError('Unprocessable', PENDING_GONE_MESSAGE);
}

/** A pending upload that was used, discarded, expired, or is not this user's form's. */
export const PENDING_GONE_MESSAGE = 'The image chosen earlier is no longer kept; choose it again';

/** Deletes an upload that will have no rows (refused, or its rows failed); reconcile finds it if even this fails. */
async function discardUpload(deps: CatalogDeps, location: AssetLocation, key: string, tenantId: number): Promise<void> {
  await deps.stores
    .storeFor(location)
    .delete(key)
    .catch((err: unknown) =>
      deps.logger.warn({ err, key, tenantId }, 'could not delete an upload that has no rows; reconcile will find it'),
    );
}

/** The asset a kept upload becomes: its object is the asset's source, processed like any upload's. */
export function pendingAsset(row: PendingUpload, assetId: string): NewAsset {
  return {
    id: assetId,
    tenantId: row.tenant_id,
    keyPrefix: newAssetPrefix(row.tenant_id, assetId),
    location: row.location,
    status: 'processing',
    contentType: row.content_type,
    bytes: Number(row.bytes),
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    originalName: row.original_name,
    sourceKey: row.key,
  };
}
