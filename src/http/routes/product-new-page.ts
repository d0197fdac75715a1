import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context.js';
import { EMPTY_VALUES, renderProductForm } from '../pages/product-pages.js';

/** GET /products/new: the empty product form. */
export default async function productNewPage(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/products/new', { preHandler: hc.requireLogin }, async (request, reply) =>
    renderProductForm(hc, hc.urls, request, reply, { mode: 'new', values: EMPTY_VALUES }),
  );
}
