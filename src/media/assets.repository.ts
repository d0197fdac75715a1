/**
 * Assets: one row per stored image — its key prefix, detected type, size, digest, dimensions
 * and variants (object keys, never URLs). Plain functions taking `db` or a transaction.
 */
import type { Insertable } from 'kysely';
import type { Asset, AssetLocation, AssetStatus, AssetVariant, AssetsTable, Db } from '../db/schema.js';

export interface NewAsset {
  /** The asset id in the key (UUID v7 from the key locator). */
  id: string;
  tenantId: number;
  keyPrefix: string;
  location?: AssetLocation;
  status?: AssetStatus;
  contentType: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  variants?: AssetVariant[];
  originalName: string;
  /** The upload as received, waiting for processing (status `processing`). */
  sourceKey?: string | null;
}

/** The row for an asset, as inserted (shared with the single-statement product insert). */
export function assetRow(asset: NewAsset): Insertable<AssetsTable> {
  return {
    id: asset.id,
    tenant_id: asset.tenantId,
    key_prefix: asset.keyPrefix,
    location: asset.location ?? 'store',
    status: asset.status ?? 'ready',
    content_type: asset.contentType,
    bytes: asset.bytes,
    sha256: asset.sha256,
    width: asset.width,
    height: asset.height,
    // Sent as JSON text: pg would turn a JS array into a PostgreSQL array, not jsonb.
    variants: JSON.stringify(asset.variants ?? []),
    original_name: asset.originalName,
    source_key: asset.sourceKey ?? null,
  };
}

export async function insertAsset(db: Db, asset: NewAsset): Promise<Asset> {
  return db.insertInto('assets').values(assetRow(asset)).returningAll().executeTakeFirstOrThrow();
}

/** The asset, only if it belongs to this tenant. */
export async function getAsset(db: Db, tenantId: number, id: string): Promise<Asset | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return db.selectFrom('assets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** Pages show a placeholder for a broken asset (objects missing, processing failed). */
export async function markAssetBroken(db: Db, id: string): Promise<boolean> {
  const result = await db.updateTable('assets').set({ status: 'broken' }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes and returns the asset row; the caller enqueues its objects for purge in the same transaction. */
export async function deleteAsset(db: Db, tenantId: number, id: string): Promise<Asset | undefined> {
  return db.deleteFrom('assets').where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
}

export interface AssetKeys {
  id: string;
  tenantId: number;
  keyPrefix: string;
  location: AssetLocation;
  status: AssetStatus;
  createdAt: Date;
  /** Every object key the row references (its variants). */
  keys: string[];
  /** The variants themselves (key, size, type), e.g. for byte counts without touching the store. */
  variants: AssetVariant[];
  /** The upload's private key while the asset waits for processing; null once processed. */
  sourceKey: string | null;
  /** Bytes of the upload (while processing) or of the normalised original. */
  bytes: number;
}

/**
 * Every asset's keys, for one tenant or all, for the reconciler to hold against a bucket
 * listing. Ordered by key prefix, like an S3 listing; `afterPrefix` pages through large sets.
 */
export async function listAssetKeys(
  db: Db,
  options: { tenantId?: number; afterPrefix?: string; limit?: number } = {},
): Promise<AssetKeys[]> {
  let query = db
    .selectFrom('assets')
    .select(['id', 'tenant_id', 'key_prefix', 'location', 'status', 'created_at', 'variants', 'source_key', 'bytes'])
    .orderBy('key_prefix')
    .limit(Math.min(Math.max(options.limit ?? 1000, 1), 10000));
  if (options.tenantId !== undefined) query = query.where('tenant_id', '=', options.tenantId);
  if (options.afterPrefix !== undefined) query = query.where('key_prefix', '>', options.afterPrefix);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    keyPrefix: r.key_prefix,
    location: r.location,
    status: r.status,
    createdAt: r.created_at,
    keys: r.variants.map((v) => v.key),
    variants: r.variants,
    sourceKey: r.source_key,
    bytes: r.bytes,
  }));
}

/** Every key an asset row holds on to: its objects' prefix, and its upload while unprocessed. */
export function assetObjectKeys(asset: Pick<Asset, 'key_prefix' | 'source_key'>): string[] {
  return asset.source_key === null ? [asset.key_prefix] : [asset.key_prefix, asset.source_key];
}
