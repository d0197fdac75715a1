import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context.js';
import { safeNext } from '../pages/login-required.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { loginPage } from '../views/login.js';

/** GET /login[?next=/products/7]: the log-in form; someone already logged in goes on. */
export default async function loginPageRoute(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/login', async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (request.session !== null) return reply.redirect(next ?? '/products', 302);
    return sendPage(reply, loginPage({ page: pageContext(hc, request, reply), email: '', next }));
  });
}
