import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import type { Services } from '../http-context.js';
import { MEDIA_CSP } from './media-get.js';

/** Longer than a uuid: refused before any look-up. */
const MAX_ID_CHARS = 40;

/**
 * GET /uploads/pending/{id}: the bytes of a product form's kept image (catalog/pending-uploads.ts),
 * for its thumbnail. Only to the user who chose it, in their tenant: anyone else's id answers 404,
 * as one that does not exist or has expired. The key stays private: this route is its only way out.
 */
export default async function pendingUploadImage(app: FastifyInstance, s: Pick<Services, 'auth' | 'uploads'>): Promise<void> {
  app.get('/uploads/pending/:id', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (id.length > MAX_ID_CHARS) throw new AppError('NotFound', 'There is no such upload.');
    const account = request.account!;
    const { upload, body, contentLength } = await s.uploads.pending.open(id, account.tenantId, account.userId);
    // The type was sniffed from the bytes and is an allowed image type; user content is still locked down.
    return reply
      .header('content-type', upload.content_type)
      .header('content-length', contentLength)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', MEDIA_CSP)
      .send(body);
  });
}
