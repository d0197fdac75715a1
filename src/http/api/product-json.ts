/**
 * The product as the API shows it. Image URLs are computed here, at render time, from the
 * object keys in the row (public, signed or app-served: see media/image-urls.ts); keys
 * themselves are never shown, and no URL is ever stored.
 *
 * @example
 *   await productJson(hc.urls, view);
 *   // { id: 7, sku: 'TEA-1', name: 'Tea', description: '', uom: { id: 2, code: 'kg' }, sale_price: '19.90',
 *   //   image: { status: 'ready', width: 640, height: 480, variants: [{ name: 'w160', …, url: 'https://…' }] }, … }
 */
import type { ProductImage, ProductView } from '../../catalog/products.repository.js';
import type { AssetStatus } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { CatalogService } from '../http-context.js';
import type { ImageUrls } from '../media/image-urls.js';

export interface VariantJson {
  name: string;
  width: number;
  height: number;
  bytes: number;
  content_type: string;
  url: string;
}

export interface ImageJson {
  status: AssetStatus;
  width: number;
  height: number;
  /** Empty until the image is `ready`. */
  variants: VariantJson[];
}

export interface ProductJson {
  id: number;
  sku: string;
  name: string;
  description: string;
  uom: { id: number; code: string };
  /** An exact decimal as a string ("19.90"), never a binary float. */
  sale_price: string;
  /** Stock on hand; null when not tracked. */
  stock_quantity: number | null;
  image: ImageJson | null;
  created_at: string;
  updated_at: string;
}

async function imageJson(urls: ImageUrls, image: ProductImage): Promise<ImageJson> {
  const variants = await urls.variantUrls(image);
  return {
    status: image.status,
    width: image.width,
    height: image.height,
    variants: variants.map((v) => ({
      name: v.name,
      width: v.width,
      height: v.height,
      bytes: v.bytes,
      content_type: v.contentType,
      url: v.url,
    })),
  };
}

export async function productJson(urls: ImageUrls, p: ProductView): Promise<ProductJson> {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    uom: { id: p.uom_id, code: p.unit_code },
    sale_price: p.sale_price,
    stock_quantity: p.stock_quantity,
    image: p.image === null ? null : await imageJson(urls, p.image),
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}

export function noSuchProduct(): AppError {
  return new AppError('NotFound', 'There is no such product.');
}

/** The tenant's product as JSON; NotFound for an id that is not this tenant's, like one that does not exist. */
export async function loadProductJson(
  deps: { catalog: Pick<CatalogService, 'getProduct'>; urls: ImageUrls },
  tenantId: number,
  id: number,
): Promise<ProductJson> {
  const product = await deps.catalog.getProduct(tenantId, id);
  if (product === undefined) throw noSuchProduct();
  return productJson(deps.urls, product);
}
