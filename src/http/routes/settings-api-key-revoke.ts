import type { FastifyInstance } from 'fastify';
import { msg } from '../i18n/index.js';
import { accountOf, formFields, refusedUnlessOwner, renderSettings, sendErrorPage, type AccountDeps } from '../pages/account-pages.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';
import { idParam } from '../product-id-param.js';

/**
 * POST /settings/api-keys/{id}/revoke (_csrf), owners only → the API refuses the key from now
 * on; 302 to /settings with a flash. Another tenant's key (or none) → 404.
 */
export default async function settingsApiKeyRevoke(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings/api-keys/:id/revoke', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const field = formFields(request);
    if (!csrfValid(request, s.pages.secret, field('_csrf')))
      return renderSettings(s, request, reply, { flash: [{ kind: 'error', message: msg('error.csrf') }] }, 403);
    if (await refusedUnlessOwner(s, request, reply)) return reply;
    const id = idParam(request);
    const tenantId = accountOf(request).tenantId;
    if (id === undefined || !(await s.auth.account.apiKeys.revoke(tenantId, id)))
      return sendErrorPage(s, request, reply, 404, msg('errorpage.404'));
    request.log.info({ event: 'apikey-revoked', tenantId, keyId: id }, 'API key revoked');
    return redirectWithFlash(s.pages, reply, '/settings', { kind: 'success', message: msg('settings.key_revoked') });
  });
}
