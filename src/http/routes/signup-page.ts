import type { FastifyInstance } from 'fastify';
import { suggestedCurrency } from '../../catalog/currency.js';
import type { Services } from '../http-context.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { signupPage } from '../views/signup.js';

/** GET /signup: create a catalog (a tenant) and its first user. */
export default async function signupPageRoute(app: FastifyInstance, s: Pick<Services, 'pages'>): Promise<void> {
  app.get('/signup', async (request, reply) =>
    sendPage(
      reply,
      signupPage({
        page: pageContext(s.pages, request, reply),
        values: { tenant_name: '', email: '', currency: suggestedCurrency(request.locale) },
        errors: {},
      }),
    ),
  );
}
