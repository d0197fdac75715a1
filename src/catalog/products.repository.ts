/**
 * Products: plain functions taking `db` or a transaction. Every query is scoped by tenant_id —
 * another tenant's product id behaves exactly like an id that does not exist.
 *
 * Rows come back with their unit code and image (key prefix, status, variants: keys, never
 * URLs), so a list page is one query.
 */
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors.js';
import type { AssetLocation, AssetStatus, AssetVariant, Database, Db, Product } from '../db/schema.js';
import { AppError } from '../errors.js';
import { assetRow, type NewAsset } from '../media/assets.repository.js';
import { normalizePrice, PRICE_HINT } from './price.js';
import type { ProductInput } from './product-input.js';
import { isRowId } from '../db/row-id.js';

export interface ProductImage {
  id: string;
  keyPrefix: string;
  status: AssetStatus;
  location: AssetLocation;
  width: number;
  height: number;
  variants: AssetVariant[];
  /** Why processing failed, for a broken image (assets.last_error); null otherwise. */
  lastError?: string | null;
}

export interface ProductView extends Product {
  unit_code: string;
  image: ProductImage | null;
}

export interface ListProductsOptions {
  /** Matches name or SKU, case-insensitively, anywhere in the text. */
  q?: string;
  /** 1..100, default 20. */
  limit?: number;
  offset?: number;
  /** Default `created` (the id), newest first; ties are broken by id in the same direction. */
  sort?: ProductSort | undefined;
  /** Default: ascending for name, SKU and price; descending for the dates. */
  dir?: 'asc' | 'desc' | undefined;
  /** Only products whose stock is tracked and at most this many. */
  lowStockAt?: number | undefined;
}

export type ProductSort = 'created' | 'name' | 'sku' | 'price' | 'updated';

/** "Low stock" on the list: tracked and at most this many left. */
export const LOW_STOCK_THRESHOLD = 5;

/** What an export reads: the list's filters, a page of rows after the last id it saw (keyset: no offset to skip over). */
export interface ExportProductsOptions {
  q?: string | undefined;
  lowStockAt?: number | undefined;
  /** Rows with an id above this one, in id order. */
  afterId?: number | undefined;
  /** 1..1000, default 500. */
  limit?: number | undefined;
}

export type NewProductInput = ProductInput & { imageAssetId?: string | null };
export type ProductPatch = Partial<ProductInput> & { imageAssetId?: string | null };

function baseQuery(db: Db, tenantId: number) {
  return db
    .selectFrom('products as p')
    .innerJoin('units as u', 'u.id', 'p.uom_id')
    .leftJoin('assets as a', (join) => join.onRef('a.id', '=', 'p.image_asset_id').onRef('a.tenant_id', '=', 'p.tenant_id'))
    .where('p.tenant_id', '=', tenantId);
}

function withColumns<O>(
  query: SelectQueryBuilder<Database & { p: Database['products']; u: Database['units']; a: Database['assets'] }, 'p' | 'u' | 'a', O>,
) {
  return query
    .selectAll('p')
    .select([
      'u.code as unit_code',
      'a.key_prefix as a_key_prefix',
      'a.status as a_status',
      'a.location as a_location',
      'a.width as a_width',
      'a.height as a_height',
      'a.variants as a_variants',
      'a.last_error as a_last_error',
    ]);
}

type Joined = Product & {
  unit_code: string;
  a_key_prefix: string | null;
  a_status: AssetStatus | null;
  a_location: AssetLocation | null;
  a_width: number | null;
  a_height: number | null;
  a_variants: AssetVariant[] | null;
  a_last_error: string | null;
};

function toView(row: Joined): ProductView {
  const { a_key_prefix, a_status, a_location, a_width, a_height, a_variants, a_last_error, ...product } = row;
  const image =
    product.image_asset_id !== null && a_key_prefix !== null
      ? {
          id: product.image_asset_id,
          keyPrefix: a_key_prefix,
          status: a_status!,
          location: a_location!,
          width: a_width!,
          height: a_height!,
          variants: a_variants ?? [],
          lastError: a_status === 'broken' ? a_last_error : null,
        }
      : null;
  return { ...product, image };
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function matches(q: string) {
  const pattern = likePattern(q);
  return (eb: ExpressionBuilder<Database & { p: Database['products'] }, 'p'>) =>
    eb.or([eb('p.name', 'ilike', pattern), eb('p.sku', 'ilike', pattern)]);
}

type ProductsEb = ExpressionBuilder<Database & { p: Database['products'] }, 'p'>;

/** The list's filters: not in the trash, the search, low stock. */
function listFilter(q: string, lowStockAt: number | undefined) {
  return (eb: ProductsEb) => {
    const parts = [eb('p.deleted_at', 'is', null)];
    if (q !== '') parts.push(matches(q)(eb));
    if (lowStockAt !== undefined) parts.push(eb('p.stock_quantity', '<=', lowStockAt));
    return eb.and(parts);
  };
}

/** Sort expressions; name and SKU without case, as the indexes of migration 0005 hold them. */
const SORT_COLUMN = {
  created: sql`p.id`,
  name: sql`lower(p.name)`,
  sku: sql`lower(p.sku)`,
  price: sql`p.sale_price`,
  updated: sql`p.updated_at`,
} as const;

/** A page of the tenant's live products (newest first unless sorted), and how many match in all. */
export async function listProducts(
  db: Db,
  tenantId: number,
  options: ListProductsOptions = {},
): Promise<{ items: ProductView[]; total: number }> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), 100);
  const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
  const q = options.q?.trim() ?? '';
  const sort = options.sort ?? 'created';
  const dir = options.dir ?? (sort === 'created' || sort === 'updated' ? 'desc' : 'asc');
  const filter = listFilter(q, options.lowStockAt);

  const count = db
    .selectFrom('products as p')
    .select(sql<number>`count(*)::int`.as('total'))
    .where('p.tenant_id', '=', tenantId)
    .where(filter);
  let page = withColumns(baseQuery(db, tenantId)).where(filter);
  // The id breaks ties, so a page never repeats or skips a product between two equal prices.
  if (sort !== 'created') page = page.orderBy(SORT_COLUMN[sort], dir);
  page = page.orderBy('p.id', dir);
  const [rows, totalRow] = await Promise.all([page.limit(limit).offset(offset).execute(), count.executeTakeFirstOrThrow()]);
  return { items: (rows as Joined[]).map(toView), total: totalRow.total };
}

/** A page of the tenant's live products in id order after `afterId`, for a streamed export. */
export async function exportProducts(db: Db, tenantId: number, options: ExportProductsOptions = {}): Promise<ProductView[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 500), 1), 1000);
  let page = withColumns(baseQuery(db, tenantId)).where(listFilter(options.q?.trim() ?? '', options.lowStockAt));
  if (options.afterId !== undefined) page = page.where('p.id', '>', options.afterId);
  const rows = await page.orderBy('p.id', 'asc').limit(limit).execute();
  return (rows as Joined[]).map(toView);
}

/** The product, only if it belongs to this tenant and is not in the trash. */
export async function getProduct(db: Db, tenantId: number, id: number): Promise<ProductView | undefined> {
  if (!isRowId(id)) return undefined;
  const row = await withColumns(baseQuery(db, tenantId)).where('p.id', '=', id).where('p.deleted_at', 'is', null).executeTakeFirst();
  return row === undefined ? undefined : toView(row as Joined);
}

function price(value: string): string {
  const exact = normalizePrice(value);
  if (exact === undefined) throw new AppError('Unprocessable', PRICE_HINT);
  return exact;
}

/** Turns constraint violations into errors people can act on. */
function mapWriteError(err: unknown, sku: string | undefined): never {
  if (isUniqueViolation(err, 'products_tenant_sku_key')) {
    throw new AppError('Conflict', `A product with SKU "${sku ?? ''}" already exists. Choose another SKU.`, { cause: err });
  }
  if (isForeignKeyViolation(err, 'products_uom_id_fkey')) {
    throw new AppError('Unprocessable', 'Choose a unit of measure from the list.', { cause: err });
  }
  if (isForeignKeyViolation(err, 'products_image_fk')) {
    throw new AppError('Unprocessable', 'The image does not exist.', { cause: err });
  }
  throw err;
}

/**
 * Inserts the product; with `asset`, the asset row too, in one statement (one round trip,
 * atomic on its own: the upload path's commit).
 */
export async function createProduct(db: Db, tenantId: number, input: NewProductInput, asset?: NewAsset): Promise<Product> {
  try {
    if (asset !== undefined) {
      return await db
        .with('a', (q) => q.insertInto('assets').values(assetRow(asset)).returning('id'))
        .insertInto('products')
        .columns(['tenant_id', 'sku', 'name', 'description', 'uom_id', 'sale_price', 'stock_quantity', 'image_asset_id'])
        .expression((eb) =>
          eb
            .selectFrom('a')
            .select([
              sql<number>`${tenantId}::integer`.as('tenant_id'),
              sql<string>`${input.sku}::text`.as('sku'),
              sql<string>`${input.name}::text`.as('name'),
              sql<string>`${input.description}::text`.as('description'),
              sql<number>`${input.uomId}::integer`.as('uom_id'),
              sql<string>`${price(input.salePrice)}::numeric`.as('sale_price'),
              sql<number | null>`${input.stockQuantity ?? null}::integer`.as('stock_quantity'),
              'a.id',
            ]),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    return await db
      .insertInto('products')
      .values({
        tenant_id: tenantId,
        sku: input.sku,
        name: input.name,
        description: input.description,
        uom_id: input.uomId,
        sale_price: price(input.salePrice),
        stock_quantity: input.stockQuantity ?? null,
        image_asset_id: input.imageAssetId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    mapWriteError(err, input.sku);
  }
}

/** Updates the given fields; undefined when the tenant has no such product (or it is in the trash). */
export async function updateProduct(db: Db, tenantId: number, id: number, patch: ProductPatch): Promise<Product | undefined> {
  if (!isRowId(id)) return undefined;
  try {
    return await db
      .updateTable('products')
      .set({
        ...(patch.sku === undefined ? {} : { sku: patch.sku }),
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.uomId === undefined ? {} : { uom_id: patch.uomId }),
        ...(patch.salePrice === undefined ? {} : { sale_price: price(patch.salePrice) }),
        ...(patch.stockQuantity === undefined ? {} : { stock_quantity: patch.stockQuantity }),
        ...(patch.imageAssetId === undefined ? {} : { image_asset_id: patch.imageAssetId }),
        updated_at: sql<Date>`now()`,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  } catch (err) {
    mapWriteError(err, patch.sku);
  }
}

/**
 * Deletes the row for good and returns it (its image id tells the caller what to purge);
 * undefined when not this tenant's. Pages and the API move products to the trash instead
 * (trash.repository.ts); this is for the trash's own purge and the importer's take-back.
 */
export async function deleteProduct(db: Db, tenantId: number, id: number): Promise<Product | undefined> {
  if (!isRowId(id)) return undefined;
  return db.deleteFrom('products').where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Locks the live (not trashed) product row for a read-modify-write (e.g. replacing its image) inside a transaction. */
export async function lockProduct(trx: Db, tenantId: number, id: number): Promise<Product | undefined> {
  if (!isRowId(id)) return undefined;
  return trx
    .selectFrom('products')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}
