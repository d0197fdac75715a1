import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { renderProductForm, valuesOf } from '../pages/product-pages.js';
import { backHref } from '../list-query.js';
import { productIdParam } from '../product-id-param.js';

/** GET /products/{id}/edit: the form filled with the product, and its current image. */
export default async function productEditPage(
  app: FastifyInstance,
  s: Pick<Services, 'config' | 'pages' | 'catalog' | 'urls' | 'auth'>,
): Promise<void> {
  app.get('/products/:id/edit', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const product = await s.catalog.getProduct(request.account!.tenantId, productIdParam(request));
    if (product === undefined) throw new AppError('NotFound', 'There is no such product.');
    const price = { locale: request.locale, currency: request.account!.currency };
    const back = backHref((request.query as Record<string, unknown>).back);
    return renderProductForm(s, request, reply, { mode: 'edit', product, values: valuesOf(product, price), back });
  });
}
