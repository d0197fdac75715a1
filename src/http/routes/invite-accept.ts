import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { msg, type Msg } from '../i18n/index.js';
import { formFields } from '../pages/account-pages.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { sendLinkGone, tokenParam } from '../pages/link-pages.js';
import { pageContext, redirectWithFlash, sendPage } from '../pages/page-context.js';
import { startSession } from '../pages/start-session.js';
import type { InviteField } from '../views/account-types.js';
import { invitePage } from '../views/invite.js';

/**
 * POST /invite/{token} (email, password, confirm, _csrf; no log-in) → the new member in the
 * link's shop with its role, logged in, 302 to /products; the link is used. Bad input → 200,
 * the form with the summary; a link used meanwhile, expired or unknown → 410/404, nobody created.
 */
export default async function inviteAccept(app: FastifyInstance, s: Pick<Services, 'auth' | 'pages'>): Promise<void> {
  app.post('/invite/:token', async (request, reply) => {
    const token = tokenParam(request);
    const field = formFields(request);
    const state = await s.auth.account.invites.state(token);
    if (state.status !== 'open') return sendLinkGone(s.pages, request, reply, 'invite', state.status);
    const email = field('email').trim().slice(0, 254);
    const again = (errors: Partial<Record<InviteField, Msg>>, status = 200, flash?: Msg) =>
      sendPage(
        reply,
        invitePage({
          page: pageContext(s.pages, request, reply, flash === undefined ? [] : [{ kind: 'error', message: flash }]),
          token,
          shopName: state.tenantName,
          role: state.role,
          email,
          errors,
        }),
        status,
      );
    if (!csrfValid(request, s.pages.secret, field('_csrf'))) return again({}, 403, msg('error.csrf'));
    let result;
    try {
      result = await s.auth.account.invites.accept(token, {
        email: field('email'),
        password: field('password'),
        confirm: field('confirm'),
      });
    } catch (err) {
      if (!isAppError(err, 'Unavailable')) throw err;
      reply.header('retry-after', '2');
      return again({}, 503, msg('signup.error_busy'));
    }
    if (!result.ok) {
      if (result.gone !== undefined) return sendLinkGone(s.pages, request, reply, 'invite', result.gone);
      const errors: Partial<Record<InviteField, Msg>> = {};
      for (const p of result.problems)
        errors[p.field] = msg(
          p.problem === 'email_invalid' || p.problem === 'email_taken' ? `invite.${p.problem}` : `settings.${p.problem}`,
        );
      return again(errors);
    }
    const { user } = result;
    request.log.info({ event: 'invite-accepted', tenantId: user.tenant_id, userId: user.id, role: user.role }, 'invitation accepted');
    await startSession({ sessions: s.auth.sessions, config: s.pages.config }, request, reply, {
      userId: user.id,
      tenantId: user.tenant_id,
    });
    return redirectWithFlash(s.pages, reply, '/products', { kind: 'success', message: msg('invite.joined', { shop: state.tenantName }) });
  });
}
