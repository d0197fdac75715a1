/**
 * What a storage migration copies: every object every asset row references, read from the
 * assets table page by page (keyset on the key prefix, so assets created while it runs are
 * picked up too) — never from a bucket listing, which would also carry orphans and foreign keys.
 *
 * - a ready (or broken) asset: each of its variants, the original included;
 * - an asset waiting for processing: its upload (`incoming` key);
 * - an asset in the fallback spool: nothing here — its objects are not in the source store,
 *   and the app's replicator moves them to the object store it is configured with.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import { listAssetKeys, type AssetKeys } from '../../media/assets.repository.js';

export interface PlannedObject {
  key: string;
  tenantId: number;
  assetId: string;
  /** Size the row records (the store's own size is what gets verified). */
  bytes: number;
}

export interface PlannedPage {
  objects: PlannedObject[];
  /** Objects of spooled assets on this page (not in the source store). */
  spooled: number;
}

const PAGE = 500;

/** The objects of one asset row. */
export function objectsOf(asset: AssetKeys): PlannedObject[] {
  const base = { tenantId: asset.tenantId, assetId: asset.id };
  if (asset.status === 'processing') return asset.sourceKey === null ? [] : [{ ...base, key: asset.sourceKey, bytes: asset.bytes }];
  return asset.variants.map((v) => ({ ...base, key: v.key, bytes: v.bytes }));
}

/** Pages of planned objects, in key-prefix order. */
export async function* planPages(db: Db, options: { tenantId?: number | undefined } = {}): AsyncGenerator<PlannedPage> {
  let afterPrefix: string | undefined;
  for (;;) {
    const assets = await listAssetKeys(db, { tenantId: options.tenantId, afterPrefix, limit: PAGE });
    if (assets.length === 0) return;
    const page: PlannedPage = { objects: [], spooled: 0 };
    for (const asset of assets) {
      const objects = objectsOf(asset);
      if (asset.location === 'spool') page.spooled += objects.length;
      else page.objects.push(...objects);
    }
    yield page;
    afterPrefix = assets[assets.length - 1]!.keyPrefix;
  }
}

/**
 * How many objects and bytes the plan holds (for the progress bar's total and ETA), counted by
 * the database in one statement — the same objects `planPages` yields (and `objectsOf` picks),
 * without reading every row and its variants first.
 */
export async function planTotals(
  db: Db,
  options: { tenantId?: number | undefined } = {},
): Promise<{ objects: number; bytes: number; spooled: number }> {
  const objects = sql`case when a.status = 'processing' then (a.source_key is not null)::int else jsonb_array_length(a.variants) end`;
  const bytes = sql`case when a.status = 'processing' then (case when a.source_key is null then 0 else a.bytes end)
    else (select coalesce(sum((v ->> 'bytes')::bigint), 0) from jsonb_array_elements(a.variants) v) end`;
  const tenant = options.tenantId === undefined ? sql`true` : sql`a.tenant_id = ${options.tenantId}`;
  const result = await sql<{ objects: number; bytes: number; spooled: number }>`
    select coalesce(sum(${objects}) filter (where a.location <> 'spool'), 0)::bigint as objects,
           coalesce(sum(${bytes}) filter (where a.location <> 'spool'), 0)::bigint as bytes,
           coalesce(sum(${objects}) filter (where a.location = 'spool'), 0)::bigint as spooled
    from assets a where ${tenant}`.execute(db);
  const row = result.rows[0]!;
  return { objects: Number(row.objects), bytes: Number(row.bytes), spooled: Number(row.spooled) };
}

/** True while the asset row still references `key` (false once it was deleted or processed meanwhile). */
export async function stillReferenced(db: Db, assetId: string, key: string): Promise<boolean> {
  const row = await db.selectFrom('assets').select(['variants', 'source_key', 'status']).where('id', '=', assetId).executeTakeFirst();
  if (row === undefined) return false;
  return row.status === 'processing' ? row.source_key === key : row.variants.some((v) => v.key === key);
}
