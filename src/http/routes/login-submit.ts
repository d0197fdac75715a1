import type { FastifyInstance } from 'fastify';
import { authenticate } from '../../tenancy/tenancy.service.js';
import { signSession, SESSION_TTL_SECONDS } from '../../tenancy/session.js';
import type { HttpContext } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { COOKIE, cookieOptions } from '../pages/cookies.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { safeNext } from '../pages/login-required.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { loginPage } from '../views/login.js';

/**
 * POST /login (email, password, _csrf[, next]) → 302 to /products (or `next`) with a session
 * cookie; wrong credentials → 200, the form again with an error (the same for an unknown
 * email and a wrong password).
 */
export default async function loginSubmit(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const again = (error: Parameters<typeof msg>[0], status: number) =>
      sendPage(reply, loginPage({ page: pageContext(hc, request, reply), email, next, error: msg(error) }), status);

    if (!csrfValid(request, hc.secret, body._csrf)) return again('error.csrf', 403);
    if (email === '' || password === '') return again('login.error_required', 200);
    const user = await authenticate(hc.db, email, password);
    if (user === undefined) {
      request.log.info({ event: 'login-failed' }, 'wrong email or password');
      return again('login.error_invalid', 200);
    }
    const session = signSession(hc.secret, { userId: user.id, tenantId: user.tenant_id });
    reply.setCookie(COOKIE.session, session, { ...cookieOptions(hc.config), maxAge: SESSION_TTL_SECONDS });
    request.log.info({ event: 'login', tenantId: user.tenant_id, userId: user.id }, 'logged in');
    return reply.redirect(next ?? '/products', 302);
  });
}
