import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';

/** POST /products/trash/empty (_csrf): deletes the products in the tenant's trash for good (at most
 * 1,000 per request: the flash says when some are left); their images are purged after. */
export default async function trashEmpty(app: FastifyInstance, s: Pick<Services, 'catalog' | 'auth' | 'pages'>): Promise<void> {
  app.post('/products/trash/empty', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    if (!csrfValid(request, s.pages.secret, (request.body as Record<string, unknown> | undefined)?._csrf)) {
      throw new AppError('Forbidden', 'Your session expired. Go back, reload the page and try again.');
    }
    const { deleted, more } = await s.catalog.emptyTrash(request.account!.tenantId);
    const message = more ? msg('trash.flash_emptied_partly', { n: deleted }) : msg('trash.flash_emptied');
    return redirectWithFlash(s.pages, reply, '/products/trash', { kind: 'success', message });
  });
}
