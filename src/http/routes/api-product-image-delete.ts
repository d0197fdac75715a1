import type { FastifyInstance } from 'fastify';
import { apiTenantId } from '../api/api-key-required.js';
import { loadProductJson } from '../api/product-json.js';
import type { Services } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/** DELETE /api/v1/products/{id}/image → 200 the product without an image (also when it had none); objects purged after the commit. */
export default async function apiProductImageDelete(app: FastifyInstance, s: Pick<Services, 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.delete('/api/v1/products/:id/image', { onRequest: s.auth.requireApiKey }, async (request) => {
    const tenantId = apiTenantId(request);
    const id = productIdParam(request);
    await s.catalog.updateProduct(tenantId, id, {}, { removeImage: true });
    return loadProductJson(s, tenantId, id);
  });
}
