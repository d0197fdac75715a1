/**
 * Progress of `vitrina storage migrate` (one row per object whose copy was verified at a
 * destination, so a rerun skips it and never copies it again) and the rows `vitrina import
 * legacy` brought in (so a rerun skips them, and a SKU that was there before is told apart
 * from one this tool imported).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('storage_migration_objects')
    // `source → destination`, e.g. `local:/srv/vitrina/data/objects → s3:http://minio:9000/uploads`.
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    // No foreign keys on purpose: progress outlives a tenant or an asset deleted meanwhile.
    .addColumn('tenant_id', 'integer', (c) => c.notNull())
    .addColumn('asset_id', 'uuid', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    // Verified copies made of this object: 1 unless a verification found the destination bad.
    .addColumn('copies', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('verified_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('source_deleted_at', 'timestamptz')
    .addPrimaryKeyConstraint('storage_migration_objects_pkey', ['route', 'key'])
    .execute();

  await db.schema
    .createTable('legacy_imports')
    .addColumn('tenant_id', 'integer', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // lower(sku), as SKUs are unique per tenant regardless of case.
    .addColumn('sku_key', 'text', (c) => c.notNull())
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    // Where the row came from, for people: `products.csv:12`.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('legacy_imports_pkey', ['tenant_id', 'sku_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('legacy_imports').ifExists().execute();
  await db.schema.dropTable('storage_migration_objects').ifExists().execute();
}
