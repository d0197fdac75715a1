import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../api/openapi-document.js';
import type { Services } from '../http-context.js';

/** GET /api/v1/openapi.json → 200 the OpenAPI 3.1 document of the API; no API key needed. */
export default async function apiOpenApi(app: FastifyInstance, s: Pick<Services, 'config'>): Promise<void> {
  const document = openApiDocument({ maxUploadSize: s.config.maxUploadSize, allowedTypes: s.config.media.allowedTypes });
  app.get('/api/v1/openapi.json', async (_request, reply) => reply.header('cache-control', 'no-cache').send(document));
}
