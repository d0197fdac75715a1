import type { FastifyInstance } from 'fastify';
import { apiTenantId } from '../api/api-key-required.js';
import { acceptRawImageBodies, readImageUpload } from '../api/image-body.js';
import { loadProductJson, noSuchProduct } from '../api/product-json.js';
import type { Services } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/**
 * PUT /api/v1/products/{id}/image — multipart (field `image` or `file`) or the raw bytes
 * (`image/*`, `application/octet-stream`) → 200 the product, its image `processing` until the
 * worker has made the variants. The old image's objects are purged after the commit.
 * 413 over MAX_UPLOAD_SIZE, 415 a type not allowed, 422 empty or damaged; nothing stored then.
 */
export default async function apiProductImagePut(
  app: FastifyInstance,
  s: Pick<Services, 'config' | 'catalog' | 'urls' | 'auth' | 'metrics' | 'uploads'>,
): Promise<void> {
  acceptRawImageBodies(app);
  app.put('/api/v1/products/:id/image', { onRequest: s.auth.requireApiKey }, async (request) => {
    const tenantId = apiTenantId(request);
    const id = productIdParam(request);
    // Checked before the body is read, so an upload to a product that is not there is never stored.
    if ((await s.catalog.getProduct(tenantId, id)) === undefined) throw noSuchProduct();
    const stopTimer = s.metrics.uploadSeconds.startTimer();
    try {
      const image = await readImageUpload(s, request, tenantId);
      await s.catalog.updateProduct(tenantId, id, {}, { image });
    } finally {
      stopTimer();
    }
    return loadProductJson(s, tenantId, id);
  });
}
