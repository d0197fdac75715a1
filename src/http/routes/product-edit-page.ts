import type { FastifyInstance } from 'fastify';
import { getProduct } from '../../catalog/products.repository.js';
import { AppError } from '../../errors.js';
import type { HttpContext } from '../http-context.js';
import { renderProductForm, valuesOf } from '../pages/product-pages.js';
import { productIdParam } from '../product-id-param.js';

/** GET /products/{id}/edit: the form filled with the product, and its current image. */
export default async function productEditPage(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/products/:id/edit', { preHandler: hc.requireLogin }, async (request, reply) => {
    const product = await getProduct(hc.db, request.account!.tenantId, productIdParam(request));
    if (product === undefined) throw new AppError('NotFound', 'There is no such product.');
    return renderProductForm(hc, hc.urls, request, reply, { mode: 'edit', product, values: valuesOf(product) });
  });
}
