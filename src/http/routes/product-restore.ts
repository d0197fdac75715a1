import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';
import { productIdParam } from '../product-id-param.js';

/**
 * POST /products/{id}/restore (_csrf, next=trash|product): takes a product out of the trash
 * (the flash's Undo and the trash page's Restore), then shows the trash again (`next=trash`)
 * or the product. Another tenant's id, or a product not in the trash, is a 404.
 */
export default async function productRestore(app: FastifyInstance, s: Pick<Services, 'catalog' | 'auth' | 'pages'>): Promise<void> {
  app.post('/products/:id/restore', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const id = productIdParam(request);
    const body = request.body as Record<string, unknown> | undefined;
    if (!csrfValid(request, s.pages.secret, body?._csrf)) {
      throw new AppError('Forbidden', 'Your session expired. Go back, reload the page and try again.');
    }
    const product = await s.catalog.restoreProduct(request.account!.tenantId, id);
    // A fixed choice of two places: nothing from the request becomes the address.
    const location = body?.next === 'trash' ? '/products/trash' : `/products/${product.id}`;
    return redirectWithFlash(s.pages, reply, location, { kind: 'success', message: msg('trash.flash_restored') });
  });
}
