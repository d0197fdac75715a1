import type { FastifyInstance } from 'fastify';
import { TRASH_DAYS } from '../../catalog/trash.repository.js';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { listAfterRemoval } from '../pages/list-return.js';
import { redirectWithFlash } from '../pages/page-context.js';
import { productIdParam } from '../product-id-param.js';

/**
 * POST /products/{id}/delete (_csrf): moves the product to the trash (its image stays) and
 * says so, with an Undo button in the flash. The flash's first line is still the contract's
 * "Product deleted".
 */
export default async function productDelete(app: FastifyInstance, s: Pick<Services, 'catalog' | 'auth' | 'pages'>): Promise<void> {
  app.post('/products/:id/delete', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const id = productIdParam(request);
    if (!csrfValid(request, s.pages.secret, (request.body as Record<string, unknown> | undefined)?._csrf)) {
      throw new AppError('Forbidden', 'Your session expired. Go back, reload the page and try again.');
    }
    const product = await s.catalog.deleteProduct(request.account!.tenantId, id);
    // Back to the list the product was opened from (validated: only a /products URL; its last page if this emptied it).
    const back = await listAfterRemoval(s.catalog, request.account!.tenantId, (request.body as Record<string, unknown> | undefined)?.back);
    return redirectWithFlash(s.pages, reply, back, {
      kind: 'success',
      message: msg('flash.product_deleted'),
      detail: msg('trash.flash_in_trash', { days: TRASH_DAYS }),
      undoProductId: String(product.id),
    });
  });
}
