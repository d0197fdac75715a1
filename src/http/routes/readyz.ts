import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context.js';
import { isStorageError } from '../../storage/storage-error.js';

/**
 * GET /readyz: whether this instance can take traffic.
 * - 200 `ready`: the database and the object store answer (a one-object listing, which also
 *   proves the bucket exists and the credentials work);
 * - 200 `degraded`: the object store is failing but uploads go to the fallback spool and
 *   spooled images are served from it, so the instance still does its job;
 * - 503 `unavailable`: the database does not answer, or the store fails with no spool.
 */
export default async function readyz(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, { ok: boolean; error?: string; breaker?: string }> = {};
    try {
      await sql`select 1`.execute(hc.db);
      checks.database = { ok: true };
    } catch {
      checks.database = { ok: false, error: 'the database does not answer' };
    }
    try {
      await hc.stores.primary.list('_vitrina/', { limit: 1, signal: AbortSignal.timeout(5000) });
      checks.storage = { ok: true };
    } catch (err) {
      checks.storage = { ok: false, error: isStorageError(err) ? err.message : 'storage check failed' };
    }
    const breaker = hc.stores.breaker?.state;
    if (breaker !== undefined) checks.storage.breaker = breaker;
    const degraded = checks.database.ok && !checks.storage.ok && hc.stores.spool !== undefined;
    const status = checks.database.ok && checks.storage.ok ? 'ready' : degraded ? 'degraded' : 'unavailable';
    return reply
      .status(status === 'unavailable' ? 503 : 200)
      .header('cache-control', 'no-store')
      .send({ status, checks });
  });
}
