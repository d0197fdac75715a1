import type { FastifyInstance } from 'fastify';
import { apiTenantId } from '../api/api-key-required.js';
import { loadProductJson } from '../api/product-json.js';
import type { Services } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/** GET /api/v1/products/{id} → 200 the product; 404 for an unknown id or another tenant's. */
export default async function apiProductGet(app: FastifyInstance, s: Pick<Services, 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.get('/api/v1/products/:id', { onRequest: s.auth.requireApiKey }, async (request) =>
    loadProductJson(s, apiTenantId(request), productIdParam(request)),
  );
}
