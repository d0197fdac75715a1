import type { FastifyInstance } from 'fastify';
import { updateProduct } from '../../catalog/catalog.service.js';
import { getProduct } from '../../catalog/products.repository.js';
import { apiKeyRequired, apiTenantId } from '../api/api-key-required.js';
import { acceptRawImageBodies, readImageUpload } from '../api/image-body.js';
import { loadProductJson, noSuchProduct } from '../api/product-json.js';
import type { HttpContext } from '../http-context.js';
import { productIdParam } from '../product-id-param.js';

/**
 * PUT /api/v1/products/{id}/image — multipart (field `image` or `file`) or the raw bytes
 * (`image/*`, `application/octet-stream`) → 200 the product, its image `processing` until the
 * worker has made the variants. The old image's objects are purged after the commit.
 * 413 over MAX_UPLOAD_SIZE, 415 a type not allowed, 422 empty or damaged; nothing stored then.
 */
export default async function apiProductImagePut(app: FastifyInstance, hc: HttpContext): Promise<void> {
  acceptRawImageBodies(app);
  app.put('/api/v1/products/:id/image', { onRequest: apiKeyRequired(hc) }, async (request) => {
    const tenantId = apiTenantId(request);
    const id = productIdParam(request);
    // Checked before the body is read, so an upload to a product that is not there is never stored.
    if ((await getProduct(hc.db, tenantId, id)) === undefined) throw noSuchProduct();
    const stopTimer = hc.metrics.uploadSeconds.startTimer();
    try {
      const image = await readImageUpload(hc, request, tenantId);
      await updateProduct(hc.catalog, tenantId, id, {}, { image });
    } finally {
      stopTimer();
    }
    return loadProductJson(hc, tenantId, id);
  });
}
