import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.js';
import { msg } from '../i18n/index.js';
import { accountOf, formFields, refusedUnlessOwner, renderSettings, type AccountDeps } from '../pages/account-pages.js';
import { csrfValid } from '../pages/csrf-guard.js';

/**
 * POST /settings/api-keys (name, _csrf), owners only → 200, the settings page with the new
 * key's token shown this once (never in a redirect, a cookie or a log). A name of 1 to 100
 * characters is needed; otherwise the page again with the summary.
 */
export default async function settingsApiKeyCreate(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings/api-keys', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const field = formFields(request);
    if (!csrfValid(request, s.pages.secret, field('_csrf')))
      return renderSettings(s, request, reply, { flash: [{ kind: 'error', message: msg('error.csrf') }] }, 403);
    if (await refusedUnlessOwner(s, request, reply)) return reply;
    const name = field('name').slice(0, 1000);
    const tenantId = accountOf(request).tenantId;
    let created;
    try {
      created = await s.auth.account.apiKeys.create(tenantId, name);
    } catch (err) {
      if (!isAppError(err, 'Unprocessable')) throw err;
      return renderSettings(s, request, reply, { keyName: name, keyNameError: msg('settings.key_name_invalid') });
    }
    request.log.info({ event: 'apikey-created', tenantId, keyId: created.id }, 'API key created');
    // The page holds a secret: not kept by the browser's cache (sendPage sets no-store).
    return renderSettings(s, request, reply, {
      newToken: created.token,
      flash: [{ kind: 'success', message: msg('settings.key_created_flash') }],
    });
  });
}
