import type { FastifyInstance } from 'fastify';
import type { Services } from '../http-context.js';
import { EMPTY_VALUES, renderProductForm } from '../pages/product-pages.js';

/** GET /products/new: the empty product form. */
export default async function productNewPage(
  app: FastifyInstance,
  s: Pick<Services, 'config' | 'pages' | 'catalog' | 'urls' | 'auth'>,
): Promise<void> {
  app.get('/products/new', { preHandler: s.auth.requireLogin }, async (request, reply) =>
    renderProductForm(s, request, reply, { mode: 'new', values: EMPTY_VALUES }),
  );
}
