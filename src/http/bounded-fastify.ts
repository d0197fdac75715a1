/**
 * A Fastify instance with every bound a listening server needs, for the app and the metrics
 * listener alike: the timeouts and proxy trust of `server-options.ts`, idle sockets cut only
 * while they wait on their client, responses cut at their deadline, and the app's one error
 * handler (framework errors such as a malformed URL included).
 *
 * @example
 *   const app = boundedFastify(ctx);   // then register routes, app.listen(…)
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { createErrorHandlers, type ErrorHandlerOptions } from './error-handler.js';
import { cutIdleSockets } from './idle-sockets.js';
import { cutLateResponses } from './response-deadline.js';
import { serverOptions } from './server-options.js';

export function boundedFastify(ctx: AppContext, errorOptions: ErrorHandlerOptions = {}): FastifyInstance {
  const { errorHandler, notFoundHandler, frameworkErrors } = createErrorHandlers(ctx, errorOptions);
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // A malformed URL (`/products/%E0%A4%A`) gets the app's 400 page or JSON, not Fastify's own.
    frameworkErrors,
    // Timeouts, and the proxies whose X-Forwarded-For and X-Request-Id count (TRUST_PROXY).
    ...serverOptions(ctx.config.http),
  });
  cutIdleSockets(app);
  cutLateResponses(app, ctx.config.http.responseTimeoutMs);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  return app;
}
