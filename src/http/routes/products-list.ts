import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOW_STOCK_THRESHOLD, type ProductView } from '../../catalog/products.repository.js';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { parseListQuery, parseListView, type ListView } from '../list-query.js';
import { COOKIE, cookieOptions } from '../pages/cookies.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { LIST_IMAGE_WIDTH, productSummary } from '../pages/product-pages.js';
import type { ProductListItemView } from '../views/list-types.js';
import { productsListPage } from '../views/products-list.js';

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The view asked for in the query (and remembered in a cookie), else the remembered one, else the grid. */
function chosenView(s: Pick<Services, 'pages'>, request: FastifyRequest, reply: FastifyReply): ListView {
  const asked = parseListView((request.query as Record<string, unknown>).view);
  if (asked !== undefined) {
    reply.setCookie(COOKIE.productsView, asked, { ...cookieOptions(s.pages.config), maxAge: YEAR_SECONDS });
    return asked;
  }
  return parseListView(request.cookies[COOKIE.productsView]) ?? 'grid';
}

async function listItem(urls: Services['urls'], p: ProductView, imageWidth: number): Promise<ProductListItemView> {
  return {
    ...(await productSummary(urls, p, imageWidth)),
    stock: p.stock_quantity,
    updatedAt: new Date(p.updated_at).toISOString(),
  };
}

/**
 * GET /products[?q=…&stock=low&sort=name|sku|price|updated|created&dir=asc|desc&per=24|48|96&page=N&view=grid|table]:
 * the tenant's live products (not the trash), searchable by name or SKU, sorted in the
 * database. A page past the last answers 404 with a link to the last page: the URL names a
 * page that does not exist (as an unknown product id does), and the body still helps.
 */
export default async function productsList(app: FastifyInstance, s: Pick<Services, 'pages' | 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.get('/products', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const { badSearch, ...query } = parseListQuery(request.query as Record<string, unknown>);
    // The database refuses a NUL in any text, so such a search never reaches it.
    if (badSearch) throw new AppError('BadRequest', 'The search text contains a control character (such as NUL); type the search again.');
    const view = chosenView(s, request, reply);
    const { items, total } = await s.catalog.listProducts(request.account!.tenantId, {
      q: query.q,
      sort: query.sort,
      dir: query.dir,
      lowStockAt: query.lowStock ? LOW_STOCK_THRESHOLD : undefined,
      limit: query.per,
      offset: (query.page - 1) * query.per,
    });
    // The table draws 48 px thumbnails: its `src` fallback need not be the card's 480 px one.
    const imageWidth = view === 'table' ? 160 : LIST_IMAGE_WIDTH;
    const products = await Promise.all(items.map((p) => listItem(s.urls, p, imageWidth)));
    const pageCount = Math.max(1, Math.ceil(total / query.per));
    const noSuchPage = query.page > pageCount;
    return sendPage(
      reply,
      productsListPage({
        page: pageContext(s.pages, request, reply),
        q: query.q,
        products,
        pagination: { page: query.page, pageCount, total },
        list: { query, view, lowStockThreshold: LOW_STOCK_THRESHOLD, noSuchPage },
      }),
      noSuchPage ? 404 : 200,
    );
  });
}
