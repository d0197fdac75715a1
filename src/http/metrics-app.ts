/**
 * /metrics on a listener of its own (METRICS_PORT on METRICS_HOST, 127.0.0.1 by default), for a
 * Prometheus on the private network: the public port then has no /metrics at all. `vitrina
 * serve` starts it beside the web server.
 *
 * @example
 *   const metricsApp = await buildMetricsApp(runtime);
 *   await metricsApp.listen({ port: config.metrics.port, host: config.metrics.host });
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { boundedFastify } from './bounded-fastify.js';
import { metricsGuard } from './metrics-access.js';
import { serveMetrics } from './routes/metrics.js';

export async function buildMetricsApp(rt: Runtime): Promise<FastifyInstance> {
  const app = boundedFastify(rt);
  serveMetrics(app, rt.metrics, metricsGuard(rt.config.metrics, 'own'));
  await app.ready();
  return app;
}
