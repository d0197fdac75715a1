/**
 * The progress of a storage migration: one row per object whose copy was verified at the
 * destination, under the migration's route (`source → destination`). A row exists only once
 * the destination has returned the right bytes, so a rerun skips exactly what is done.
 * Plain functions taking `db` or a transaction.
 */
import type { Db, StorageMigrationObjectsTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';

export type MigratedObject = Selectable<StorageMigrationObjectsTable>;

/** The verified rows among `keys`, by key (one query for a whole page of objects). */
export async function findMigrated(db: Db, route: string, keys: readonly string[]): Promise<Map<string, MigratedObject>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('storage_migration_objects').selectAll().where('route', '=', route).where('key', 'in', keys).execute();
  return new Map(rows.map((r) => [r.key, r]));
}

export async function markSourceDeleted(db: Db, route: string, key: string): Promise<void> {
  await db
    .updateTable('storage_migration_objects')
    .set({ source_deleted_at: new Date() })
    .where('route', '=', route)
    .where('key', '=', key)
    .execute();
}

export interface MigratedRow {
  key: string;
  tenantId: number;
  assetId: string;
  size: number;
  sha256: string;
}

/** Records verified copies in one statement; a copy made again (the destination was found bad) counts up `copies`. */
export async function recordMigratedMany(db: Db, route: string, rows: readonly MigratedRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('storage_migration_objects')
    .values(rows.map((o) => ({ route, key: o.key, tenant_id: o.tenantId, asset_id: o.assetId, size: o.size, sha256: o.sha256 })))
    .onConflict((oc) =>
      oc.columns(['route', 'key']).doUpdateSet((eb) => ({
        size: eb.ref('excluded.size'),
        sha256: eb.ref('excluded.sha256'),
        copies: eb('storage_migration_objects.copies', '+', 1),
        verified_at: eb.ref('excluded.verified_at'),
        source_deleted_at: null,
      })),
    )
    .execute();
}
