import type { FastifyInstance } from 'fastify';
import { apiTenantId } from '../api/api-key-required.js';
import { loadProductJson } from '../api/product-json.js';
import type { Services } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/** POST /api/v1/products/{id}/restore → 200 with the product, back from the trash. 404 when not in this tenant's trash. */
export default async function apiProductRestore(app: FastifyInstance, s: Pick<Services, 'catalog' | 'auth' | 'urls'>): Promise<void> {
  app.post('/api/v1/products/:id/restore', { onRequest: s.auth.requireApiKey }, async (request, reply) => {
    const tenantId = apiTenantId(request);
    const product = await s.catalog.restoreProduct(tenantId, productIdParam(request));
    return reply.code(200).send(await loadProductJson(s, tenantId, product.id));
  });
}
