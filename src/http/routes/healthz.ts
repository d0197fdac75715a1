import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';

/** GET /healthz: the process is alive and serving (no dependency is checked). */
export default async function healthz(app: FastifyInstance, _ctx: AppContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
}
