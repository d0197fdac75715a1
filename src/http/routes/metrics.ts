import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context.js';

/**
 * GET /metrics: Prometheus text format — uploads by outcome, bytes stored, upload latency,
 * S3 errors by kind, the breaker's state, and the spool, processing and purge backlogs.
 * Expose it on the private network only (the load balancer should not route it).
 */
export default async function metrics(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const text = await hc.metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(hc.metrics.registry.contentType).send(text);
  });
}
