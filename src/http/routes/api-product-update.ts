import type { FastifyInstance } from 'fastify';
import { apiTenantId } from '../api/api-key-required.js';
import { productBody, withSaveFields } from '../api/product-body.js';
import { loadProductJson } from '../api/product-json.js';
import type { Services } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/**
 * PATCH /api/v1/products/{id} (JSON, any of sku, name, description, uom_id, sale_price) → 200
 * the product as changed; fields left out stay as they are. 404 / 400 / 409 / 422 as for create.
 */
export default async function apiProductUpdate(app: FastifyInstance, s: Pick<Services, 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.patch('/api/v1/products/:id', { onRequest: s.auth.requireApiKey }, async (request) => {
    const tenantId = apiTenantId(request);
    const id = productIdParam(request);
    const patch = productBody(request, { partial: true });
    await s.catalog.updateProduct(tenantId, id, patch).catch(withSaveFields);
    return loadProductJson(s, tenantId, id);
  });
}
