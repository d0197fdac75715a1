/**
 * The trash: a deleted product keeps its row (and its image) with `deleted_at` set, is
 * invisible to every other query, and is purged for good when the owner empties the trash
 * or 30 days after it went there (jobs/trash-expiry.ts). Plain functions taking `db` or a
 * transaction, each scoped by tenant except the expiry sweep, which works across tenants.
 *
 * The SKU's unique index spans the trash, so a trashed product keeps its SKU and restoring
 * it can never conflict.
 */
import { sql } from 'kysely';
import { isRowId } from '../db/row-id.js';
import type { Db, Product } from '../db/schema.js';

/** How long a product stays in the trash before the sweep purges it. */
export const TRASH_DAYS = 30;
const DAY_MS = 86_400_000;

/** When a product trashed at `deletedAt` is purged. */
export function purgeDateOf(deletedAt: Date): Date {
  return new Date(deletedAt.getTime() + TRASH_DAYS * DAY_MS);
}

/** One row of the trash page. */
export interface TrashedProduct {
  id: number;
  sku: string;
  name: string;
  deleted_at: Date;
}

/** Moves a live product to the trash; undefined when the tenant has no such live product. */
export async function trashProduct(db: Db, tenantId: number, id: number): Promise<Product | undefined> {
  if (!isRowId(id)) return undefined;
  return db
    .updateTable('products')
    .set({ deleted_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Takes a product back out of the trash; undefined when the tenant has no such trashed product. */
export async function restoreProduct(db: Db, tenantId: number, id: number): Promise<Product | undefined> {
  if (!isRowId(id)) return undefined;
  return (
    db
      .updateTable('products')
      // Not an edit: updated_at stays, so the list sorts it where it was.
      .set({ deleted_at: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('deleted_at', 'is not', null)
      .returningAll()
      .executeTakeFirst()
  );
}

/** A page of the tenant's trash, most recently deleted first, and how many are in it. */
export async function listTrashed(
  db: Db,
  tenantId: number,
  options: { limit: number; offset: number },
): Promise<{ items: TrashedProduct[]; total: number }> {
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), 100);
  const offset = Math.max(Math.trunc(options.offset), 0);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('products')
      .select(['id', 'sku', 'name', 'deleted_at'])
      .where('tenant_id', '=', tenantId)
      .where('deleted_at', 'is not', null)
      .orderBy('deleted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    db
      .selectFrom('products')
      .select(sql<number>`count(*)::int`.as('total'))
      .where('tenant_id', '=', tenantId)
      .where('deleted_at', 'is not', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => ({ ...r, deleted_at: r.deleted_at! })), total: count.total };
}

/**
 * The tenant's trashed product that holds this SKU, if any (a new product's SKU conflict).
 * Compared as the unique index compares (`lower(sku)`): "abc-1" conflicts with a trashed "ABC-1".
 */
export async function trashedProductIdBySku(db: Db, tenantId: number, sku: string): Promise<number | undefined> {
  if (sku.length > 128) return undefined;
  const row = await db
    .selectFrom('products')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(sql<string>`lower(sku)`, '=', sql<string>`lower(${sku})`)
    .where('deleted_at', 'is not', null)
    .executeTakeFirst();
  return row?.id;
}

/** What a purge took out: the caller lets go of the images in the same transaction. */
export interface PurgedProduct {
  id: number;
  tenant_id: number;
  image_asset_id: string | null;
}

/**
 * Deletes for good up to `limit` of the tenant's trashed products (`ids`: only those), and
 * returns them. Rows locked by a concurrent purge are skipped, not waited for.
 */
export async function takeTrashed(
  trx: Db,
  tenantId: number,
  options: { ids?: readonly number[]; limit: number },
): Promise<PurgedProduct[]> {
  const ids = options.ids?.filter(isRowId);
  if (ids !== undefined && ids.length === 0) return [];
  return trx
    .deleteFrom('products')
    .where('id', 'in', (eb) => {
      let q = eb.selectFrom('products').select('id').where('tenant_id', '=', tenantId).where('deleted_at', 'is not', null);
      if (ids !== undefined) q = q.where('id', 'in', ids);
      return q
        .orderBy('id')
        .limit(Math.max(1, Math.trunc(options.limit)))
        .forUpdate()
        .skipLocked();
    })
    .returning(['id', 'tenant_id', 'image_asset_id'])
    .execute();
}

/**
 * The expiry sweep's claim: deletes for good up to `limit` products (any tenant) trashed
 * before `cutoff`, and returns them. `FOR UPDATE SKIP LOCKED`: several instances sweeping at
 * once take disjoint rows, and a row being restored right now is left for the next sweep.
 */
export async function takeExpiredTrash(trx: Db, cutoff: Date, limit: number): Promise<PurgedProduct[]> {
  return trx
    .deleteFrom('products')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('products')
        .select('id')
        .where('deleted_at', '<', cutoff)
        .orderBy('deleted_at')
        .limit(Math.max(1, Math.trunc(limit)))
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'tenant_id', 'image_asset_id'])
    .execute();
}
