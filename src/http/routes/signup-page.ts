import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { signupPage } from '../views/signup.js';

/** GET /signup: create a catalog (a tenant) and its first user. */
export default async function signupPageRoute(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/signup', async (request, reply) =>
    sendPage(reply, signupPage({ page: pageContext(hc, request, reply), values: { tenant_name: '', email: '' }, errors: {} })),
  );
}
