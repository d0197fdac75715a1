/**
 * Where a page goes back to in the product list after a product left it (deleted): the list
 * of the `back` parameter, its page moved to the new last page when the product was the last
 * one on it — not a "no such page".
 *
 * @example
 *   reply.redirect(await listAfterRemoval(s.catalog, tenantId, body.back));   // '/products?q=bolt&page=2'
 */
import { LOW_STOCK_THRESHOLD } from '../../catalog/products.repository.js';
import type { CatalogService } from '../http-context.js';
import { listHref, parseBackUrl } from '../list-query.js';

export async function listAfterRemoval(catalog: Pick<CatalogService, 'listProducts'>, tenantId: number, back: unknown): Promise<string> {
  const query = parseBackUrl(back);
  if (query === undefined) return '/products';
  if (query.page === 1) return listHref(query);
  const { total } = await catalog.listProducts(tenantId, {
    q: query.q,
    lowStockAt: query.lowStock ? LOW_STOCK_THRESHOLD : undefined,
    limit: 1,
  });
  const lastPage = Math.max(1, Math.ceil(total / query.per));
  return listHref({ ...query, page: Math.min(query.page, lastPage) });
}
