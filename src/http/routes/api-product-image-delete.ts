import type { FastifyInstance } from 'fastify';
import { updateProduct } from '../../catalog/catalog.service.js';
import { apiKeyRequired, apiTenantId } from '../api/api-key-required.js';
import { loadProductJson } from '../api/product-json.js';
import type { HttpContext } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/** DELETE /api/v1/products/{id}/image → 200 the product without an image (also when it had none); objects purged after the commit. */
export default async function apiProductImageDelete(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.delete('/api/v1/products/:id/image', { onRequest: apiKeyRequired(hc) }, async (request) => {
    const tenantId = apiTenantId(request);
    const id = productIdParam(request);
    await updateProduct(hc.catalog, tenantId, id, {}, { removeImage: true });
    return loadProductJson(hc, tenantId, id);
  });
}
