import type { FastifyInstance } from 'fastify';
import type { Services } from '../http-context.js';
import { COOKIE, cookieOptions } from '../pages/cookies.js';
import { safeNext } from '../pages/login-required.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { loginPage } from '../views/login.js';

/**
 * GET /login[?next=/products/7]: the log-in form; someone with a live session goes on (to
 * `next` when it is a path of this site, else /products). A cookie whose session has ended is
 * dropped and the form shown, so an ended session cannot bounce between here and /products.
 */
export default async function loginPageRoute(app: FastifyInstance, s: Pick<Services, 'auth' | 'pages'>): Promise<void> {
  app.get('/login', async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (request.session !== null) {
      if ((await s.auth.sessions.account(request.session)) !== undefined) return reply.redirect(next ?? '/products', 302);
      reply.clearCookie(COOKIE.session, cookieOptions(s.pages.config));
      // The form's CSRF token must bind to this browser's pre-session id, not to the ended session.
      request.session = null;
    }
    return sendPage(reply, loginPage({ page: pageContext(s.pages, request, reply), email: '', next }));
  });
}
