import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';
import { productIdParam } from '../product-id-param.js';

/**
 * POST /products/{id}/delete-forever (_csrf): deletes a product in the trash for good; its
 * image's objects are purged after the commit. Only a trashed product of this tenant: any
 * other id (a live product included) is a 404.
 */
export default async function productDeleteForever(app: FastifyInstance, s: Pick<Services, 'catalog' | 'auth' | 'pages'>): Promise<void> {
  app.post('/products/:id/delete-forever', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const id = productIdParam(request);
    if (!csrfValid(request, s.pages.secret, (request.body as Record<string, unknown> | undefined)?._csrf)) {
      throw new AppError('Forbidden', 'Your session expired. Go back, reload the page and try again.');
    }
    await s.catalog.deleteForever(request.account!.tenantId, id);
    return redirectWithFlash(s.pages, reply, '/products/trash', { kind: 'success', message: msg('trash.flash_deleted_forever') });
  });
}
