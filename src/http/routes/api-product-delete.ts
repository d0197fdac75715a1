import type { FastifyInstance } from 'fastify';
import { purgeDateOf } from '../../catalog/trash.repository.js';
import { apiTenantId } from '../api/api-key-required.js';
import type { Services } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/**
 * DELETE /api/v1/products/{id} → 200 `{ id, trashed: true, deleted_at, purge_at }`: the product
 * went to the trash (its image stays) and is purged for good at `purge_at` unless restored
 * (`POST /api/v1/products/{id}/restore`). 404 when not the tenant's, or already in the trash.
 */
export default async function apiProductDelete(app: FastifyInstance, s: Pick<Services, 'catalog' | 'auth'>): Promise<void> {
  app.delete('/api/v1/products/:id', { onRequest: s.auth.requireApiKey }, async (request, reply) => {
    const product = await s.catalog.deleteProduct(apiTenantId(request), productIdParam(request));
    const deletedAt = product.deleted_at ?? new Date();
    return reply.code(200).send({
      id: product.id,
      trashed: true,
      deleted_at: deletedAt.toISOString(),
      purge_at: purgeDateOf(deletedAt).toISOString(),
    });
  });
}
