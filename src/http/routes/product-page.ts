import type { FastifyInstance } from 'fastify';
import { getProduct } from '../../catalog/products.repository.js';
import { AppError } from '../../errors.js';
import type { HttpContext } from '../http-context.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { productDetail } from '../pages/product-pages.js';
import { productIdParam } from '../product-id-param.js';
import { productDetailPage } from '../views/product-detail.js';

/** GET /products/{id}: one product; another tenant's id is a 404 like any unknown id. */
export default async function productPage(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/products/:id', { preHandler: hc.requireLogin }, async (request, reply) => {
    const product = await getProduct(hc.db, request.account!.tenantId, productIdParam(request));
    if (product === undefined) throw new AppError('NotFound', 'There is no such product.');
    return sendPage(reply, productDetailPage({ page: pageContext(hc, request, reply), product: await productDetail(hc.urls, product) }));
  });
}
