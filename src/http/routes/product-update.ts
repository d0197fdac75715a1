import type { FastifyInstance } from 'fastify';
import { updateProduct } from '../../catalog/catalog.service.js';
import { getProduct } from '../../catalog/products.repository.js';
import { AppError } from '../../errors.js';
import type { HttpContext } from '../http-context.js';
import { handleProductForm } from '../pages/product-pages.js';
import { productIdParam } from '../product-id-param.js';

/**
 * POST /products/{id}/edit: the fields of the new form, `image` optional (a new file replaces
 * the image; the old one's objects are purged after the commit), `remove_image=1` removes it.
 */
export default async function productUpdate(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.post('/products/:id/edit', { preHandler: hc.requireLogin }, async (request, reply) => {
    const tenantId = request.account!.tenantId;
    const id = productIdParam(request);
    const product = await getProduct(hc.db, tenantId, id);
    if (product === undefined) throw new AppError('NotFound', 'There is no such product.');
    return handleProductForm(hc, hc.urls, request, reply, { mode: 'edit', product }, (input, image, removeImage) =>
      updateProduct(hc.catalog, tenantId, id, input, { image, removeImage }),
    );
  });
}
