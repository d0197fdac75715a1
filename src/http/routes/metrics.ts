import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '../../metrics.js';
import type { Services } from '../http-context.js';
import { metricsGuard, metricsOnPublicPort } from '../metrics-access.js';

/**
 * GET /metrics: Prometheus text format — uploads by outcome, bytes stored, upload latency,
 * S3 errors by kind, the breaker's state, and the spool, processing and purge backlogs.
 * On the public port only behind METRICS_TOKEN and when METRICS_PORT does not give it a
 * listener of its own (http/metrics-app.ts); who may read it: http/metrics-access.ts.
 */
export default async function metrics(app: FastifyInstance, s: Pick<Services, 'config' | 'metrics'>): Promise<void> {
  if (!metricsOnPublicPort(s.config.metrics)) return;
  serveMetrics(app, s.metrics, metricsGuard(s.config.metrics, 'public'));
}

export function serveMetrics(app: FastifyInstance, metrics: Metrics, guard: (request: FastifyRequest) => void): void {
  app.get('/metrics', async (request, reply) => {
    guard(request);
    const text = await metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(text);
  });
}
