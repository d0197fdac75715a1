/**
 * The first schema: tenants and people, units (seeded), products, assets and the purge queue.
 * Plain PostgreSQL that PGlite runs too: btree indexes only (pg_trgm is not built into PGlite).
 */
import { sql, type Kysely } from 'kysely';

export const UNITS: ReadonlyArray<readonly [id: number, code: string, name: string]> = [
  [1, 'unit', 'Unit'],
  [2, 'kg', 'Kilogram'],
  [3, 'g', 'Gram'],
  [4, 'l', 'Litre'],
  [5, 'ml', 'Millilitre'],
  [6, 'm', 'Metre'],
  [7, 'box', 'Box'],
  [8, 'pack', 'Pack'],
];

const now = sql`now()`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('tenant_id', 'integer', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('users_email_key', ['email'])
    // Emails are stored lower-cased by the repository; the check keeps it that way.
    .addCheckConstraint('users_email_lower', sql`email = lower(email)`)
    .execute();
  await db.schema.createIndex('users_tenant_idx').on('users').column('tenant_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('tenant_id', 'integer', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_tenant_idx').on('api_keys').column('tenant_id').execute();

  await db.schema
    .createTable('units')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('units')
    .values(UNITS.map(([id, code, name]) => ({ id, code, name })))
    .execute();

  await db.schema
    .createTable('assets')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'integer', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('key_prefix', 'text', (c) => c.notNull().unique())
    .addColumn('location', 'text', (c) =>
      c
        .notNull()
        .defaultTo('store')
        .check(sql`location in ('store', 'spool')`),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('processing')
        .check(sql`status in ('ready', 'processing', 'broken')`),
    )
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull().check(sql`bytes >= 0`))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('variants', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('original_name', 'text', (c) => c.notNull())
    // The upload as received, kept under a private key until processing has made the asset's
    // objects from it (see jobs/process-images.ts); null once processed.
    .addColumn('source_key', 'text')
    // Processing is claimed like any background work: a lease, attempts and the last error.
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    // Lets products reference (asset, tenant) together, so a product can never point at another tenant's image.
    .addUniqueConstraint('assets_id_tenant_key', ['id', 'tenant_id'])
    .execute();
  await db.schema.createIndex('assets_tenant_created_idx').on('assets').columns(['tenant_id', 'created_at']).execute();
  // The replicator looks for spooled assets; a partial index keeps that cheap.
  await db.schema
    .createIndex('assets_processing_idx')
    .on('assets')
    .column('created_at')
    .where(sql.ref('status'), '=', 'processing')
    .execute();
  await db.schema.createIndex('assets_spool_idx').on('assets').column('created_at').where(sql.ref('location'), '=', 'spool').execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('tenant_id', 'integer', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('sku', 'text', (c) => c.notNull().check(sql`length(btrim(sku)) > 0`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(btrim(name)) > 0`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('uom_id', 'integer', (c) => c.notNull().defaultTo(1).references('units.id'))
    .addColumn('sale_price', sql`numeric(12, 2)`, (c) => c.notNull().check(sql`sale_price >= 0`))
    .addColumn('image_asset_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  // Same tenant or nothing; deleting the asset clears only the image column (PostgreSQL 15+ column list).
  await sql`alter table products add constraint products_image_fk foreign key (image_asset_id, tenant_id)
    references assets (id, tenant_id) on delete set null (image_asset_id)`.execute(db);
  // SKUs are unique per tenant regardless of case ('ab-1' and 'AB-1' are one SKU); this index
  // also serves SKU prefix search (text_pattern_ops lets LIKE 'x%' use it).
  await sql`create unique index products_tenant_sku_key on products (tenant_id, lower(sku) text_pattern_ops)`.execute(db);
  await sql`create index products_tenant_name_idx on products (tenant_id, lower(name) text_pattern_ops)`.execute(db);
  await db.schema.createIndex('products_tenant_id_idx').on('products').columns(['tenant_id', 'id desc']).execute();
  await db.schema.createIndex('products_image_idx').on('products').column('image_asset_id').execute();

  await db.schema
    .createTable('purge_queue')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'integer')
    .addColumn('not_before', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('purge_queue_not_before_idx').on('purge_queue').column('not_before').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['purge_queue', 'products', 'assets', 'units', 'api_keys', 'users', 'tenants']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
