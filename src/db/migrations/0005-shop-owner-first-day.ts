/**
 * What a shop owner expects on day one (issue 15): the shop's currency and language, roles,
 * one-time links (invitations and password resets), stock on hand, a trash for deleted
 * products, and uploads kept for a form that came back with errors.
 */
import { sql, type Kysely } from 'kysely';

const now = sql`now()`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tenants')
    // ISO 4217, chosen at sign-up and in the settings; shops made before this migration show dollars.
    .addColumn('currency', 'text', (c) =>
      c
        .notNull()
        .defaultTo('USD')
        .check(sql`currency ~ '^[A-Z]{3}$'`),
    )
    // The pages' language for this shop's people when they have not chosen one; null: the browser's.
    .addColumn('default_locale', 'text', (c) => c.check(sql`default_locale in ('en', 'es')`))
    .execute();

  // Who may manage members and API keys (owner) and who may only edit the catalog (editor).
  await db.schema
    .alterTable('users')
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .defaultTo('owner')
        .check(sql`role in ('owner', 'editor')`),
    )
    .execute();

  // Invitations to a shop and password resets: a random token shown once, its sha256 kept.
  await db.schema
    .createTable('one_time_links')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invite', 'reset')`))
    .addColumn('tenant_id', 'integer', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // invite: who made it; reset: whose password it resets.
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    // invite only: the role the new member gets.
    .addColumn('role', 'text', (c) => c.check(sql`role in ('owner', 'editor')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('one_time_links_tenant_idx').on('one_time_links').columns(['tenant_id', 'kind']).execute();

  await db.schema
    .alterTable('products')
    // Optional: null means "not tracked".
    .addColumn('stock_quantity', 'integer', (c) => c.check(sql`stock_quantity >= 0`))
    // Set when the product goes to the trash; purged 30 days later or when the trash is emptied.
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('products_tenant_deleted_idx').on('products').columns(['tenant_id', 'deleted_at']).execute();

  // An image that passed its checks on a form that came back with errors: kept under a private
  // key until the form is sent again (or it expires), so the owner need not choose it again.
  await db.schema
    .createTable('pending_uploads')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'integer', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // Which form it belongs to: 'new' or the product id being edited.
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull().check(sql`bytes >= 0`))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pending_uploads_expires_idx').on('pending_uploads').column('expires_at').execute();
  // Where a pending upload's bytes went (as assets.location): the object store, or the spool while it fails.
  await db.schema
    .alterTable('pending_uploads')
    .addColumn('location', 'text', (c) =>
      c
        .notNull()
        .defaultTo('store')
        .check(sql`location in ('store', 'spool')`),
    )
    .execute();
  // The product list's sort orders (issue 15, item 5), over live products; the id breaks ties.
  for (const [name, column] of [
    ['products_list_name_idx', sql`lower(name)`],
    ['products_list_sku_idx', sql`lower(sku)`],
    ['products_list_price_idx', sql`sale_price`],
    ['products_list_updated_idx', sql`updated_at`],
  ] as const) {
    await sql`create index ${sql.id(name)} on products (tenant_id, ${column}, id) where deleted_at is null`.execute(db);
  }
  // The trash's expiry sweep looks across tenants for the oldest trashed rows (jobs/trash-expiry.ts):
  // only trashed rows are in it, so it stays small however large the catalog.
  await sql`create index products_trash_expiry_idx on products (deleted_at) where deleted_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('products_trash_expiry_idx').ifExists().execute();
  for (const name of ['products_list_name_idx', 'products_list_sku_idx', 'products_list_price_idx', 'products_list_updated_idx']) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
  await db.schema.alterTable('pending_uploads').dropColumn('location').execute();
  await db.schema.dropTable('pending_uploads').ifExists().execute();
  await db.schema.dropIndex('products_tenant_deleted_idx').ifExists().execute();
  await db.schema.alterTable('products').dropColumn('deleted_at').dropColumn('stock_quantity').execute();
  await db.schema.dropTable('one_time_links').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('role').execute();
  await db.schema.alterTable('tenants').dropColumn('default_locale').dropColumn('currency').execute();
}
