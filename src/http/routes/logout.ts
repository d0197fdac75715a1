import type { FastifyInstance } from 'fastify';
import type { Services } from '../http-context.js';
import { msg } from '../i18n/index.js';
import { COOKIE, cookieOptions } from '../pages/cookies.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';

/**
 * POST /logout (_csrf) → ends the session (its row is deleted: this instance refuses the cookie
 * at once, every other within 5 s), clears the cookie, 302 to /login. A forged post changes nothing.
 */
export default async function logout(app: FastifyInstance, s: Pick<Services, 'auth' | 'pages'>): Promise<void> {
  app.post('/logout', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (request.session !== null && !csrfValid(request, s.pages.secret, body._csrf)) return reply.redirect('/products', 302);
    if (request.session !== null) await s.auth.sessions.end(request.session);
    reply.clearCookie(COOKIE.session, cookieOptions(s.pages.config));
    return redirectWithFlash(s.pages, reply, '/login', { kind: 'success', message: msg('flash.logged_out') });
  });
}
