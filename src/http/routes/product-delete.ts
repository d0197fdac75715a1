import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';
import { productIdParam } from '../product-id-param.js';

/** POST /products/{id}/delete (_csrf): deletes the product; its image's objects are purged after the commit. */
export default async function productDelete(app: FastifyInstance, s: Pick<Services, 'catalog' | 'auth' | 'pages'>): Promise<void> {
  app.post('/products/:id/delete', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const id = productIdParam(request);
    if (!csrfValid(request, s.pages.secret, (request.body as Record<string, unknown> | undefined)?._csrf)) {
      throw new AppError('Forbidden', 'Your session expired. Go back, reload the page and try again.');
    }
    await s.catalog.deleteProduct(request.account!.tenantId, id);
    return redirectWithFlash(s.pages, reply, '/products', { kind: 'success', message: msg('flash.product_deleted') });
  });
}
