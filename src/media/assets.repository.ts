/**
 * Assets: one row per stored image — its key prefix, detected type, size, digest, dimensions
 * and variants (object keys, never URLs). Plain functions taking `db` or a transaction.
 */
import { sql, type Insertable } from 'kysely';
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

/**
 * Claims up to `limit` assets waiting for processing and leases them to the caller for
 * `leaseSeconds`: rows another worker holds (lease not yet passed, or locked right now) are
 * skipped, so any number of instances share the work. `ids` restricts the claim (the
 * instance that took the upload processes it at once, from the bytes it still holds).
 */
export async function claimProcessing(db: Db, options: { limit: number; leaseSeconds: number; ids?: readonly string[] }): Promise<Asset[]> {
  if (options.ids !== undefined && options.ids.length === 0) return [];
  return db
    .updateTable('assets')
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${options.leaseSeconds})` })
    .where('id', 'in', (eb) => {
      let q = eb
        .selectFrom('assets')
        .select('id')
        .where('status', '=', 'processing')
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', sql<Date>`now()`)]));
      if (options.ids !== undefined) q = q.where('id', 'in', options.ids);
      return q
        .orderBy('created_at')
        .limit(Math.max(1, Math.trunc(options.limit)))
        .forUpdate()
        .skipLocked();
    })
    .returningAll()
    .execute();
}

/**
 * Records what processing stored and marks the asset ready; the upload's key is let go (the
 * caller queues it for purge in the same transaction). Undefined when the asset is gone or
 * no longer waiting (its product was deleted meanwhile): then the new objects are orphans.
 */
export async function finishProcessing(
  db: Db,
  id: string,
  values: {
    variants: AssetVariant[];
    width: number;
    height: number;
    bytes: number;
    sha256: string;
    contentType: string;
    location: AssetLocation;
  },
): Promise<Asset | undefined> {
  return db
    .updateTable('assets')
    .set({
      status: 'ready',
      location: values.location,
      variants: JSON.stringify(values.variants),
      width: values.width,
      height: values.height,
      bytes: values.bytes,
      sha256: values.sha256,
      content_type: values.contentType,
      source_key: null,
      claimed_until: null,
      last_error: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Processing failed. `final` (the image itself is bad, or attempts ran out) marks the asset
 * broken and lets go of its upload; otherwise the lease is extended by a backoff of
 * 2^attempts seconds (capped at 10 minutes) before another try. An outage of the store
 * (`outage`) is not the image's fault: it does not count as an attempt and waits 10 s.
 */
export async function failProcessing(
  db: Db,
  id: string,
  error: string,
  options: { final: boolean; outage?: boolean },
): Promise<Asset | undefined> {
  return db
    .updateTable('assets')
    .set((eb) => ({
      attempts: options.outage ? eb.ref('attempts') : eb('attempts', '+', 1),
      last_error: error.slice(0, 2000),
      ...(options.final
        ? { status: 'broken' as const, source_key: null, claimed_until: null }
        : options.outage
          ? { claimed_until: sql<Date>`now() + interval '10 seconds'` }
          : { claimed_until: sql<Date>`now() + make_interval(secs => least(power(2, attempts + 1), 600))` }),
    }))
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .returningAll()
    .executeTakeFirst();
}

/** Every key an asset row holds on to: its objects' prefix, and its upload while unprocessed. */
export function assetObjectKeys(asset: Pick<Asset, 'key_prefix' | 'source_key'>): string[] {
  return asset.source_key === null ? [asset.key_prefix] : [asset.key_prefix, asset.source_key];
}

/** Claims ready assets whose objects wait in the fallback spool (the replicator's work), with a lease. */
export async function claimSpooled(db: Db, options: { limit: number; leaseSeconds: number }): Promise<Asset[]> {
  return db
    .updateTable('assets')
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${options.leaseSeconds})` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('assets')
        .select('id')
        .where('location', '=', 'spool')
        .where('status', '=', 'ready')
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', sql<Date>`now()`)]))
        .orderBy('created_at')
        .limit(Math.max(1, Math.trunc(options.limit)))
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** The asset's objects are now in the object store: switch its location (only from the spool). */
export async function finishReplication(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('assets')
    .set({ location: 'store', claimed_until: null })
    .where('id', '=', id)
    .where('location', '=', 'spool')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives a claimed asset back, to be tried again after `seconds`. */
export async function releaseClaim(db: Db, id: string, seconds: number): Promise<void> {
  await db
    .updateTable('assets')
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${seconds})` })
    .where('id', '=', id)
    .execute();
}

/** Assets (not broken) whose objects are in the spool, and the bytes the spool holds for them. */
export async function spoolBacklog(db: Db): Promise<number> {
  const row = await db
    .selectFrom('assets')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('location', '=', 'spool')
    .where('status', '<>', 'broken')
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Uploads waiting to be processed. */
export async function processingBacklog(db: Db): Promise<number> {
  const row = await db
    .selectFrom('assets')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'processing')
    .executeTakeFirstOrThrow();
  return row.n;
}
