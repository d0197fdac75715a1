import type { FastifyInstance } from 'fastify';
import { apiTenantId } from '../api/api-key-required.js';
import type { Services } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/** DELETE /api/v1/products/{id} → 204; the image's objects are purged after the commit. 404 when not the tenant's. */
export default async function apiProductDelete(app: FastifyInstance, s: Pick<Services, 'catalog' | 'auth'>): Promise<void> {
  app.delete('/api/v1/products/:id', { onRequest: s.auth.requireApiKey }, async (request, reply) => {
    await s.catalog.deleteProduct(apiTenantId(request), productIdParam(request));
    return reply.code(204).send();
  });
}
