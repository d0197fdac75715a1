/**
 * /metrics on a listener of its own (METRICS_PORT on METRICS_HOST, 127.0.0.1 by default), for a
 * Prometheus on the private network: the public port then has no /metrics at all. `vitrina
 * serve` starts it beside the web server.
 *
 * @example
 *   const metricsApp = await buildMetricsApp(runtime);
 *   await metricsApp.listen({ port: config.metrics.port, host: config.metrics.host });
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { createErrorHandlers } from './error-handler.js';
import { cutIdleSockets } from './idle-sockets.js';
import { metricsGuard } from './metrics-access.js';
import { cutLateResponses } from './response-deadline.js';
import { serveMetrics } from './routes/metrics.js';
import { serverOptions } from './server-options.js';

export async function buildMetricsApp(rt: Runtime): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: rt.logger as FastifyBaseLogger, ...serverOptions(rt.config.http) });
  cutIdleSockets(app);
  cutLateResponses(app, rt.config.http.responseTimeoutMs);
  const { errorHandler, notFoundHandler } = createErrorHandlers(rt);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  serveMetrics(app, rt.metrics, metricsGuard(rt.config.metrics, 'own'));
  await app.ready();
  return app;
}
