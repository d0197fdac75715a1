import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.js';
import { msg, type MessageKey } from '../i18n/index.js';
import { accountOf, formFields, renderSettings, type AccountDeps } from '../pages/account-pages.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';
import type { PasswordField } from '../views/account-types.js';

const FIELDS: Record<'current' | 'password' | 'confirm', PasswordField> = {
  current: 'current_password',
  password: 'new_password',
  confirm: 'confirm_password',
};

/**
 * POST /settings/password (current_password, new_password, confirm_password, _csrf) → a new
 * password, every other session of the user ended, this one kept: 302 to /settings with a
 * flash. A wrong current password or a new one that will not do → 200, the page with the summary.
 */
export default async function settingsPassword(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings/password', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const field = formFields(request);
    if (!csrfValid(request, s.pages.secret, field('_csrf')))
      return renderSettings(s, request, reply, { flash: [{ kind: 'error', message: msg('error.csrf') }] }, 403);
    const account = accountOf(request);
    let result;
    try {
      result = await s.auth.account.changePassword(
        { userId: account.userId, sessionId: request.session!.id },
        { current: field('current_password'), password: field('new_password'), confirm: field('confirm_password') },
      );
    } catch (err) {
      if (!isAppError(err, 'Unavailable')) throw err;
      reply.header('retry-after', '2');
      return renderSettings(s, request, reply, { flash: [{ kind: 'error', message: msg('login.error_busy') }] }, 503);
    }
    if (!result.ok) {
      const key: MessageKey = `settings.${result.problem}`;
      return renderSettings(s, request, reply, { passwordErrors: { [FIELDS[result.field]]: msg(key) } });
    }
    request.log.info({ event: 'password-changed', userId: account.userId, sessionsEnded: result.sessionsEnded }, 'password changed');
    return redirectWithFlash(s.pages, reply, '/settings', { kind: 'success', message: msg('settings.password_changed') });
  });
}
