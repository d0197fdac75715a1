/**
 * The database's tables as Kysely sees them. One interface per table; `Generated` marks
 * columns the database fills in, `ColumnType<Select, Insert, Update>` where reading and writing differ.
 *
 * Values come back the same on PostgreSQL and PGlite (see database.ts): `numeric` as a string
 * (exact), `bigint` as a number, timestamps as Date, `jsonb` parsed.
 */
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';

/** A timestamp the database defaults to now(); may be set explicitly. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface TenantsTable {
  id: Generated<number>;
  name: string;
  /** URL-safe, unique; derived from the name at sign-up. */
  slug: string;
  /** ISO 4217 code ('EUR', 'USD'); prices are shown in it. */
  currency: ColumnType<string, string | undefined, string>;
  /** The pages' language for this shop's people when they have not chosen one; null: the browser's. */
  default_locale: ColumnType<'en' | 'es' | null, 'en' | 'es' | null | undefined, 'en' | 'es' | null>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<number>;
  tenant_id: number;
  /** Stored trimmed and lower-cased; unique across all tenants (an email logs into one tenant). */
  email: string;
  /** `scrypt$N$r$p$salt$hash` — see tenancy/password.ts. */
  password_hash: string;
  /** owner: everything; editor: the catalog only (no members, no API keys). */
  role: ColumnType<UserRole, UserRole | undefined, UserRole>;
  created_at: CreatedAt;
}

export type UserRole = 'owner' | 'editor';

export interface ApiKeysTable {
  id: Generated<number>;
  tenant_id: number;
  name: string;
  /** Public, unique part of the token (`vk_<prefix>_<secret>`), used to find the row. */
  prefix: string;
  /** sha256 hex of the whole token; the token itself is never stored. */
  hash: string;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface UnitsTable {
  id: number;
  code: string;
  name: string;
}

/** An exact decimal: read as a string such as '19.99'; written as a string (or a number, not recommended). */
export type Decimal = ColumnType<string, string | number, string | number>;

export interface ProductsTable {
  id: Generated<number>;
  tenant_id: number;
  sku: string;
  name: string;
  description: Generated<string>;
  uom_id: Generated<number>;
  sale_price: Decimal;
  image_asset_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Stock on hand; null when not tracked. */
  stock_quantity: ColumnType<number | null, number | null | undefined, number | null>;
  /** In the trash since; null for a live product. */
  deleted_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type AssetLocation = 'store' | 'spool';
export type AssetStatus = 'ready' | 'processing' | 'broken';

/** One stored rendition of an asset; `key` is an object key, never a URL. */
export interface AssetVariant {
  name: string;
  key: string;
  width: number;
  height: number;
  bytes: number;
  contentType: string;
}

/** jsonb in and out: written as JSON text, read back parsed. */
type VariantsColumn = ColumnType<AssetVariant[], string | undefined, string>;

export interface AssetsTable {
  /** The asset id in the key (`t/{tenant}/img/{id}/…`), a UUID v7. */
  id: string;
  tenant_id: number;
  /** `t/{tenant}/img/{id}/` — every object of the asset lives under it. */
  key_prefix: string;
  location: ColumnType<AssetLocation, AssetLocation | undefined, AssetLocation>;
  status: ColumnType<AssetStatus, AssetStatus | undefined, AssetStatus>;
  content_type: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  variants: VariantsColumn;
  original_name: string;
  /** Private key of the upload as received, until processing has made the asset's objects; then null. */
  source_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** Processing lease: another worker may take the asset once this has passed. */
  claimed_until: NullableTimestamp;
  attempts: Generated<number>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface PurgeQueueTable {
  id: Generated<number>;
  /** An object key (or an asset prefix ending in `/`) to delete from the store. */
  key: string;
  /** No foreign key on purpose: a purge must outlive the tenant whose objects it removes. */
  tenant_id: number | null;
  not_before: CreatedAt;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: CreatedAt;
}

/** An object kept in the database while the object store is down (the fallback spool). */
export interface SpoolObjectsTable {
  key: string;
  content_type: string;
  cache_control: string | null;
  content_disposition: string | null;
  /** jsonb: written as JSON text, read back parsed. */
  metadata: ColumnType<Record<string, string>, string | undefined, string>;
  size: number;
  sha256: string;
  body: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
  created_at: CreatedAt;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  units: UnitsTable;
  products: ProductsTable;
  assets: AssetsTable;
  purge_queue: PurgeQueueTable;
  spool_objects: SpoolObjectsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type User = Selectable<UsersTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Unit = Selectable<UnitsTable>;
export type Product = Selectable<ProductsTable>;
export type NewProduct = Insertable<ProductsTable>;
export type ProductUpdate = Updateable<ProductsTable>;
export type Asset = Selectable<AssetsTable>;
export type PurgeJob = Selectable<PurgeQueueTable>;

/** What repositories take: the database or a transaction (a Kysely `Transaction` is a `Kysely` too). */
export type Db = Kysely<Database>;

/** One object whose copy to a destination was verified (`vitrina storage migrate`). */
export interface StorageMigrationObjectsTable {
  /** `source → destination`, as the command names them. */
  route: string;
  key: string;
  tenant_id: number;
  asset_id: string;
  size: number;
  /** Lowercase hex sha256 of the bytes the destination returned. */
  sha256: string;
  copies: Generated<number>;
  verified_at: CreatedAt;
  source_deleted_at: NullableTimestamp;
}

/** A product brought in by `vitrina import legacy`. */
export interface LegacyImportsTable {
  tenant_id: number;
  /** lower(sku). */
  sku_key: string;
  product_id: number;
  /** `file.csv:line`. */
  source: string;
  imported_at: CreatedAt;
}

// Migration 0003's tables, merged into `Database` above (declaration merging keeps that list as it was).
export interface Database {
  storage_migration_objects: StorageMigrationObjectsTable;
  legacy_imports: LegacyImportsTable;
}

/** A logged-in browser's session (tenancy/session-store.ts); deleting the row ends it everywhere. */
export interface SessionsTable {
  /** 144 random bits, base64url; named by the signed session cookie. */
  id: string;
  user_id: number;
  tenant_id: number;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

/** Log-in and sign-up attempts in a row, per key (tenancy/login-throttle.ts, signup-throttle.ts). */
export interface ThrottleCountsTable {
  /** `account-address:<client prefix>|<email>`, `address:<client prefix>`, `account:<email>` or `signup:<client prefix>`. */
  key: string;
  attempts: number;
  last_at: ColumnType<Date, Date | string, Date | string>;
  /** The attempt before the last; null when the count started with the last. */
  previous_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

// Migration 0004's tables.
export interface Database {
  sessions: SessionsTable;
  throttle_counts: ThrottleCountsTable;
}

/** An invitation to a shop or a password reset: a one-time token, only its sha256 kept. */
export interface OneTimeLinksTable {
  id: Generated<number>;
  kind: 'invite' | 'reset';
  tenant_id: number;
  /** invite: who made it; reset: whose password it resets. */
  user_id: number | null;
  /** invite only: the role the new member gets. */
  role: UserRole | null;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
}

/** An image that passed its checks on a form that came back with errors, kept for the next submit. */
export interface PendingUploadsTable {
  id: string;
  tenant_id: number;
  user_id: number;
  /** 'new' or the id of the product being edited. */
  form: string;
  /** Private object key; never served except as the form's thumbnail to its owner. */
  key: string;
  content_type: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  original_name: string;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  /** Where the bytes are: the object store, or the spool while it fails. */
  location: ColumnType<AssetLocation, AssetLocation | undefined, AssetLocation>;
}

// Migration 0005's tables.
export interface Database {
  one_time_links: OneTimeLinksTable;
  pending_uploads: PendingUploadsTable;
}

export type OneTimeLink = Selectable<OneTimeLinksTable>;
export type PendingUpload = Selectable<PendingUploadsTable>;
