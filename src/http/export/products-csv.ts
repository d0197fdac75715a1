/**
 * The catalog as CSV, streamed a page of rows at a time, with the columns `vitrina import
 * legacy` reads (name, sku, uom, sale_price, image_path, description, stock_quantity) plus
 * every stored rendition's URL — so what is exported can be imported into another shop (a
 * cell that was prefixed with `'` against CSV injection comes back with the quote).
 *
 * - Encoding: UTF-8 with a byte order mark. Excel reads a CSV without one in the machine's
 *   ANSI code page ("CafÃ©"); with it, UTF-8. LibreOffice and csv-parse (the importer) detect
 *   and skip it.
 * - image_path: the URL of the normalised original (the largest rendition), which the importer
 *   fetches; image_urls: every rendition's URL, space-separated, narrowest first. They are the
 *   delivery URLs of the configuration: public/CDN URLs do not expire; presigned S3 URLs and
 *   app-served /media URLs live SIGNED_URL_TTL seconds (default 3600) from when they were
 *   made, and a URL from the cache (http/media/image-urls.ts) has at least half of that left.
 * - Memory: each page is PAGE_ROWS rows read by keyset (id > last id), so 100 000 products
 *   are 200 queries of bounded size, never one result held whole.
 *
 * @example
 *   reply.header('content-type', 'text/csv; charset=utf-8').send(Readable.from(productsCsv(deps, tenantId, {}, signal)));
 */
import type { ProductView } from '../../catalog/products.repository.js';
import type { CatalogService } from '../http-context.js';
import type { ImageUrls } from '../media/image-urls.js';
import { csvRecord } from './csv-cell.js';

export const PRODUCT_CSV_COLUMNS = [
  'name',
  'sku',
  'uom',
  'sale_price',
  'image_path',
  'description',
  'stock_quantity',
  'image_urls',
] as const;

const BOM = '\uFEFF';
export const PAGE_ROWS = 500;

export interface ProductsCsvFilter {
  q?: string | undefined;
  lowStockAt?: number | undefined;
}

export interface ProductsCsvDeps {
  catalog: Pick<CatalogService, 'exportProducts'>;
  urls: Pick<ImageUrls, 'variantUrls'>;
}

async function imageCells(urls: ProductsCsvDeps['urls'], p: ProductView): Promise<{ path: string; all: string }> {
  if (p.image === null || p.image.status !== 'ready') return { path: '', all: '' };
  const variants = (await urls.variantUrls(p.image)).sort((a, b) => a.width - b.width);
  const original = variants.find((v) => v.name === 'original') ?? variants.at(-1);
  return { path: original?.url ?? '', all: variants.map((v) => v.url).join(' ') };
}

async function row(urls: ProductsCsvDeps['urls'], p: ProductView): Promise<string> {
  const image = await imageCells(urls, p);
  return csvRecord([
    p.name,
    p.sku,
    p.unit_code,
    p.sale_price,
    image.path,
    p.description,
    p.stock_quantity === null ? '' : String(p.stock_quantity),
    image.all,
  ]);
}

/** The CSV as chunks: the BOM and header, then one chunk per page of rows. Stops between pages when `signal` aborts. */
export async function* productsCsv(
  deps: ProductsCsvDeps,
  tenantId: number,
  filter: ProductsCsvFilter,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  yield BOM + csvRecord(PRODUCT_CSV_COLUMNS);
  let afterId: number | undefined;
  for (;;) {
    if (signal?.aborted) return;
    const page = await deps.catalog.exportProducts(tenantId, { q: filter.q, lowStockAt: filter.lowStockAt, afterId, limit: PAGE_ROWS });
    if (page.length === 0) return;
    const rows = await Promise.all(page.map((p) => row(deps.urls, p)));
    yield rows.join('');
    if (page.length < PAGE_ROWS) return;
    afterId = page.at(-1)!.id;
  }
}

/** `vitrina-products-2026-12-06.csv`: a name that sorts by date in a downloads folder. */
export function csvFileName(now: Date = new Date()): string {
  return `vitrina-products-${now.toISOString().slice(0, 10)}.csv`;
}
