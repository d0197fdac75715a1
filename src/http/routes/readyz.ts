import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context.js';
import { isStorageError } from '../../storage/storage-error.js';

/**
 * GET /readyz: 200 when the database answers and the object store answers (a one-object
 * listing, which also proves the bucket exists and the credentials work); 503 with the
 * reason otherwise. A load balancer sends no traffic to an instance that is not ready.
 */
export default async function readyz(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    try {
      await sql`select 1`.execute(hc.db);
      checks.database = { ok: true };
    } catch {
      checks.database = { ok: false, error: 'the database does not answer' };
    }
    try {
      await hc.store.list('_vitrina/', { limit: 1, signal: AbortSignal.timeout(5000) });
      checks.storage = { ok: true };
    } catch (err) {
      checks.storage = { ok: false, error: isStorageError(err) ? err.message : 'storage check failed' };
    }
    const ready = Object.values(checks).every((c) => c.ok);
    return reply.status(ready ? 200 : 503).header('cache-control', 'no-store').send({ status: ready ? 'ready' : 'unavailable', checks });
  });
}
