import type { FastifyInstance } from 'fastify';
import type { Services } from '../http-context.js';
import { handleProductForm, type ProductFormDeps } from '../pages/product-pages.js';

/**
 * POST /products/new (multipart: name, sku, uom_id, sale_price, image, _csrf[, description])
 * → 302 to /products/{id} with "Product created"; a refused file or bad field → 200, the form
 * again with what was typed, and nothing created or stored.
 */
export default async function productCreate(app: FastifyInstance, s: ProductFormDeps & Pick<Services, 'auth'>): Promise<void> {
  app.post('/products/new', { preHandler: s.auth.requireLogin }, async (request, reply) =>
    handleProductForm(s, request, reply, { mode: 'new' }, (input, image) =>
      s.catalog.createProduct(request.account!.tenantId, input, image),
    ),
  );
}
