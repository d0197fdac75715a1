import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { COOKIE, cookieOptions } from '../pages/cookies.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';

/** POST /logout (_csrf) → clears the session cookie, 302 to /login. A forged post changes nothing. */
export default async function logout(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.post('/logout', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (request.session !== null && !csrfValid(request, hc.secret, body._csrf)) return reply.redirect('/products', 302);
    reply.clearCookie(COOKIE.session, cookieOptions(hc.config));
    return redirectWithFlash(hc, reply, '/login', { kind: 'success', message: msg('flash.logged_out') });
  });
}
