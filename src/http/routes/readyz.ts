import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { isStorageError } from '../../storage/storage-error.js';

/**
 * GET /readyz: 200 when the object store answers (a one-object listing, which also proves the
 * bucket exists and the credentials work); 503 with the reason otherwise.
 */
export default async function readyz(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    try {
      await ctx.store.list('_vitrina/', { limit: 1, signal: AbortSignal.timeout(5000) });
      checks.storage = { ok: true };
    } catch (err) {
      checks.storage = { ok: false, error: isStorageError(err) ? err.message : 'storage check failed' };
    }
    const ready = Object.values(checks).every((c) => c.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });
}
