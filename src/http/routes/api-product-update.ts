import type { FastifyInstance } from 'fastify';
import { updateProduct } from '../../catalog/catalog.service.js';
import { apiKeyRequired, apiTenantId } from '../api/api-key-required.js';
import { productBody, withSaveFields } from '../api/product-body.js';
import { loadProductJson } from '../api/product-json.js';
import type { HttpContext } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/**
 * PATCH /api/v1/products/{id} (JSON, any of sku, name, description, uom_id, sale_price) → 200
 * the product as changed; fields left out stay as they are. 404 / 400 / 409 / 422 as for create.
 */
export default async function apiProductUpdate(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.patch('/api/v1/products/:id', { onRequest: apiKeyRequired(hc) }, async (request) => {
    const tenantId = apiTenantId(request);
    const id = productIdParam(request);
    const patch = productBody(request, { partial: true });
    await updateProduct(hc.catalog, tenantId, id, patch).catch(withSaveFields);
    return loadProductJson(hc, tenantId, id);
  });
}
