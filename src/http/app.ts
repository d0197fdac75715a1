/**
 * The Fastify application: one route module per endpoint, one error handler.
 * Built from an AppContext so tests can build as many apps as they like.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import healthz from './routes/healthz.js';
import mediaGet from './routes/media-get.js';
import mediaUpload from './routes/media-upload.js';
import readyz from './routes/readyz.js';

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Behind a load balancer the client's address comes from X-Forwarded-For.
    trustProxy: true,
    disableRequestLogging: false,
    requestIdHeader: 'x-request-id',
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  for (const route of [healthz, readyz, mediaGet, mediaUpload]) {
    await app.register(async (scope) => route(scope, ctx));
  }
  await app.ready();
  return app;
}
