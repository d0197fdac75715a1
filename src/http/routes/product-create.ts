import type { FastifyInstance } from 'fastify';
import { createProduct } from '../../catalog/catalog.service.js';
import type { HttpContext } from '../http-context.js';
import { handleProductForm } from '../pages/product-pages.js';

/**
 * POST /products/new (multipart: name, sku, uom_id, sale_price, image, _csrf[, description])
 * → 302 to /products/{id} with "Product created"; a refused file or bad field → 200, the form
 * again with what was typed, and nothing created or stored.
 */
export default async function productCreate(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.post('/products/new', { preHandler: hc.requireLogin }, async (request, reply) =>
    handleProductForm(hc, hc.urls, request, reply, { mode: 'new' }, (input, image) =>
      createProduct(hc.catalog, request.account!.tenantId, input, image),
    ),
  );
}
