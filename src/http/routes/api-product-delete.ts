import type { FastifyInstance } from 'fastify';
import { deleteProduct } from '../../catalog/catalog.service.js';
import { apiKeyRequired, apiTenantId } from '../api/api-key-required.js';
import type { HttpContext } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/** DELETE /api/v1/products/{id} → 204; the image's objects are purged after the commit. 404 when not the tenant's. */
export default async function apiProductDelete(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.delete('/api/v1/products/:id', { onRequest: apiKeyRequired(hc) }, async (request, reply) => {
    await deleteProduct(hc.catalog, apiTenantId(request), productIdParam(request));
    return reply.code(204).send();
  });
}
