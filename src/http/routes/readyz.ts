import type { FastifyInstance } from 'fastify';
import type { Services } from '../http-context.js';

/** The store check's limit: a readiness probe must answer even while S3 hangs. */
const STORAGE_CHECK_MS = 5000;

/**
 * GET /readyz: whether this instance can take traffic.
 * - 200 `ready`: the database and the object store answer (a one-object listing, which also
 *   proves the bucket exists and the credentials work);
 * - 200 `degraded`: the object store is failing but uploads go to the fallback spool and
 *   spooled images are served from it, so the instance still does its job;
 * - 503 `unavailable`: the database does not answer, or the store fails with no spool.
 */
export default async function readyz(app: FastifyInstance, s: Pick<Services, 'health'>): Promise<void> {
  app.get('/readyz', async (_request, reply) => {
    const [database, storage] = await Promise.all([s.health.database(), s.health.storage(AbortSignal.timeout(STORAGE_CHECK_MS))]);
    const { canFallBack, ...storageCheck } = storage;
    const checks = {
      database: database ? { ok: true } : { ok: false, error: 'the database does not answer' },
      storage: storageCheck,
    };
    const degraded = database && !storage.ok && canFallBack;
    const status = database && storage.ok ? 'ready' : degraded ? 'degraded' : 'unavailable';
    return reply
      .status(status === 'unavailable' ? 503 : 200)
      .header('cache-control', 'no-store')
      .send({ status, checks });
  });
}
