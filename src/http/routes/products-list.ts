import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { isPlainText } from '../../plain-text.js';
import type { Services } from '../http-context.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { LIST_IMAGE_WIDTH, productSummary } from '../pages/product-pages.js';
import { productsListPage } from '../views/products-list.js';

/** Cards per page: fills rows of 2, 3, 4 or 6 columns. */
export const PAGE_SIZE = 48;

/** GET /products[?q=…&page=N]: the tenant's products, newest first, searchable by name or SKU. */
export default async function productsList(app: FastifyInstance, s: Pick<Services, 'pages' | 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.get('/products', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const query = request.query as { q?: unknown; page?: unknown };
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
    // The database refuses a NUL in any text, so such a search never reaches it.
    if (!isPlainText(q))
      throw new AppError('BadRequest', 'The search text contains a control character (such as NUL); type the search again.');
    const asked = typeof query.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1;
    const page = Math.max(1, asked);
    const { items, total } = await s.catalog.listProducts(request.account!.tenantId, {
      q,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    const products = await Promise.all(items.map((p) => productSummary(s.urls, p, LIST_IMAGE_WIDTH)));
    const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
    return sendPage(
      reply,
      productsListPage({ page: pageContext(s.pages, request, reply), q, products, pagination: { page, pageCount, total } }),
    );
  });
}
