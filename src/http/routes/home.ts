import type { FastifyInstance } from 'fastify';
import type { Services } from '../http-context.js';

/** GET /: the catalog for someone logged in, the log-in page for anyone else. */
export default async function home(app: FastifyInstance, _s: Pick<Services, never>): Promise<void> {
  app.get('/', async (request, reply) => reply.redirect(request.session === null ? '/login' : '/products', 302));
}
