import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { backHref } from '../list-query.js';
import { productDetail } from '../pages/product-pages.js';
import { productIdParam } from '../product-id-param.js';
import { productDetailPage } from '../views/product-detail.js';

/** GET /products/{id}: one product; another tenant's id is a 404 like any unknown id. */
export default async function productPage(app: FastifyInstance, s: Pick<Services, 'pages' | 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.get('/products/:id', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const product = await s.catalog.getProduct(request.account!.tenantId, productIdParam(request));
    if (product === undefined) throw new AppError('NotFound', 'There is no such product.');
    return sendPage(
      reply,
      productDetailPage({
        page: pageContext(s.pages, request, reply),
        product: await productDetail(s.urls, product),
        // The list this page was opened from, to go back to (validated: only a /products URL).
        back: backHref((request.query as Record<string, unknown>).back),
      }),
    );
  });
}
