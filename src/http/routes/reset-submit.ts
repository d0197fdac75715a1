import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { msg, type Msg } from '../i18n/index.js';
import { formFields } from '../pages/account-pages.js';
import { COOKIE, cookieOptions } from '../pages/cookies.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { sendLinkGone, tokenParam } from '../pages/link-pages.js';
import { pageContext, redirectWithFlash, sendPage } from '../pages/page-context.js';
import { resetPage } from '../views/reset.js';

/**
 * POST /reset/{token} (password, confirm, _csrf; no log-in) → the new password, every session
 * of the user ended, the link used; 302 to /login with a flash. A password that will not do →
 * 200, the form with the summary; a link used meanwhile, expired or unknown → 410/404.
 */
export default async function resetSubmit(app: FastifyInstance, s: Pick<Services, 'auth' | 'pages'>): Promise<void> {
  app.post('/reset/:token', async (request, reply) => {
    const token = tokenParam(request);
    const field = formFields(request);
    const again = (errors: Partial<Record<'password' | 'confirm', Msg>>, status = 200, flash?: Msg) =>
      sendPage(
        reply,
        resetPage({
          page: pageContext(s.pages, request, reply, flash === undefined ? [] : [{ kind: 'error', message: flash }]),
          token,
          errors,
        }),
        status,
      );
    const state = await s.auth.account.resets.state(token);
    if (state.status !== 'open') return sendLinkGone(s.pages, request, reply, 'reset', state.status);
    if (!csrfValid(request, s.pages.secret, field('_csrf'))) return again({}, 403, msg('error.csrf'));
    let result;
    try {
      result = await s.auth.account.resets.use(token, { password: field('password'), confirm: field('confirm') });
    } catch (err) {
      if (!isAppError(err, 'Unavailable')) throw err;
      reply.header('retry-after', '2');
      return again({}, 503, msg('login.error_busy'));
    }
    if (!result.ok) {
      if (result.gone !== undefined) return sendLinkGone(s.pages, request, reply, 'reset', result.gone);
      return again({ [result.field]: msg(`settings.${result.problem}`) });
    }
    request.log.info({ event: 'password-reset', userId: result.userId, sessionsEnded: result.sessionsEnded }, 'password reset');
    // This browser's own session (if any) belonged to someone: it has ended too, or is another's to keep.
    if (request.session !== null && request.session.userId === result.userId)
      reply.clearCookie(COOKIE.session, cookieOptions(s.pages.config));
    return redirectWithFlash(s.pages, reply, '/login', { kind: 'success', message: msg('reset.done') });
  });
}
