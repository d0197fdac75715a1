import type { FastifyInstance } from 'fastify';
import { apiKeyRequired, apiTenantId } from '../api/api-key-required.js';
import { loadProductJson } from '../api/product-json.js';
import type { HttpContext } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/** GET /api/v1/products/{id} → 200 the product; 404 for an unknown id or another tenant's. */
export default async function apiProductGet(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/api/v1/products/:id', { onRequest: apiKeyRequired(hc) }, async (request) =>
    loadProductJson(hc, apiTenantId(request), productIdParam(request)),
  );
}
