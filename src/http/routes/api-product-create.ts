import type { FastifyInstance } from 'fastify';
import { apiTenantId } from '../api/api-key-required.js';
import { productBody, withSaveFields } from '../api/product-body.js';
import { loadProductJson } from '../api/product-json.js';
import type { Services } from '../http-context.js';

/**
 * POST /api/v1/products (JSON: sku, name, sale_price[, description, uom_id]) → 201 the product,
 * with `Location`. Bad JSON → 400; invalid fields → 422 with `fields`; a taken SKU → 409.
 */
export default async function apiProductCreate(app: FastifyInstance, s: Pick<Services, 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.post('/api/v1/products', { onRequest: s.auth.requireApiKey }, async (request, reply) => {
    const tenantId = apiTenantId(request);
    const input = productBody(request, { partial: false });
    const product = await s.catalog.createProduct(tenantId, input).catch(withSaveFields);
    const location = `/api/v1/products/${product.id}`;
    return reply
      .code(201)
      .header('location', location)
      .send(await loadProductJson(s, tenantId, product.id));
  });
}
