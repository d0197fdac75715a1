/**
 * The products `vitrina import legacy` brought in, by tenant and SKU: a rerun skips them, and a
 * SKU the tenant had before (made in the app) is told apart from one this tool imported.
 * Plain functions taking `db` or a transaction.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';

export async function recordLegacyImport(
  db: Db,
  values: { tenantId: number; sku: string; productId: number; source: string },
): Promise<void> {
  await db
    .insertInto('legacy_imports')
    .values({ tenant_id: values.tenantId, sku_key: values.sku.toLowerCase(), product_id: values.productId, source: values.source })
    .execute();
}

export interface ExistingSku {
  productId: number;
  /** Set when this tool imported it (`file.csv:line`). */
  importedFrom: string | undefined;
  /** The image's asset while it still waits for processing (an earlier run stopped before it). */
  pendingAssetId: string | undefined;
  /** The product is in the trash (its SKU stays taken until it is deleted for good). */
  inTrash: boolean;
}

/** The tenant's products among `skus` (compared case-insensitively), by lower-cased SKU. */
export async function findExistingSkus(db: Db, tenantId: number, skus: readonly string[]): Promise<Map<string, ExistingSku>> {
  const keys = [...new Set(skus.map((s) => s.toLowerCase()))];
  const found = new Map<string, ExistingSku>();
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const rows = await db
      .selectFrom('products as p')
      .leftJoin('legacy_imports as l', (j) => j.onRef('l.product_id', '=', 'p.id'))
      .leftJoin('assets as a', (j) => j.onRef('a.id', '=', 'p.image_asset_id'))
      .select(['p.id', 'p.sku', 'p.deleted_at', 'l.source', 'a.id as asset_id', 'a.status as asset_status'])
      .where('p.tenant_id', '=', tenantId)
      .where(sql<string>`lower(p.sku)`, 'in', batch)
      .execute();
    for (const r of rows) {
      found.set(r.sku.toLowerCase(), {
        productId: r.id,
        importedFrom: r.source ?? undefined,
        pendingAssetId: r.asset_status === 'processing' && r.asset_id !== null ? r.asset_id : undefined,
        inTrash: r.deleted_at !== null,
      });
    }
  }
  return found;
}
