import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { COOKIE, cookieOptions } from '../pages/cookies.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';

/**
 * POST /logout (_csrf) → ends the session (its row is deleted: this instance refuses the cookie
 * at once, every other within 5 s), clears the cookie, 302 to /login. A forged post changes nothing.
 */
export default async function logout(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.post('/logout', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (request.session !== null && !csrfValid(request, hc.secret, body._csrf)) return reply.redirect('/products', 302);
    if (request.session !== null) await hc.sessions.end(request.session);
    reply.clearCookie(COOKIE.session, cookieOptions(hc.config));
    return redirectWithFlash(hc, reply, '/login', { kind: 'success', message: msg('flash.logged_out') });
  });
}
