import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { handleProductForm, type ProductFormDeps } from '../pages/product-pages.js';
import { productIdParam } from '../product-id-param.js';

/**
 * POST /products/{id}/edit: the fields of the new form, `image` optional (a new file replaces
 * the image; the old one's objects are purged after the commit), `remove_image=1` removes it.
 */
export default async function productUpdate(app: FastifyInstance, s: ProductFormDeps & Pick<Services, 'auth'>): Promise<void> {
  app.post('/products/:id/edit', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const tenantId = request.account!.tenantId;
    const id = productIdParam(request);
    const product = await s.catalog.getProduct(tenantId, id);
    if (product === undefined) throw new AppError('NotFound', 'There is no such product.');
    return handleProductForm(s, request, reply, { mode: 'edit', product }, (input, image, removeImage) =>
      s.catalog.updateProduct(tenantId, id, input, { image, removeImage }),
    );
  });
}
