/**
 * Drains the purge queue: deletes objects (or whole asset prefixes) once the transaction that
 * let go of them has committed. A key that a row still references is never deleted — the job
 * is dropped instead. A failure (store down) is retried with backoff (2 s, 4 s, 8 s … 1 h).
 */
import type { Db } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { mapBounded } from '../each-bounded.js';
import { deletePendingUploadsByKey } from '../media/pending-uploads.repository.js';
import { isOutage } from '../storage/fallback/outage.js';
import { parsePendingKey } from '../storage/key-locator.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { JobWorker } from './job-runner.js';
import { claimDue, completePurge, isKeyReferenced, retryPurge } from './purge-queue.repository.js';

export const PURGE_WORKER = 'purge';

const BATCH = 50;
const CONCURRENCY = 8;

export interface PurgeDeps {
  db: Db;
  /** Every store an object may be in (the object store, then the fallback spool): each is purged. */
  stores: readonly ObjectStore[];
  logger: Logger;
  onPurged?: ((outcome: 'purged' | 'kept' | 'retry') => void) | undefined;
}

export function purgeWorker(deps: PurgeDeps, options: { idleMs?: number } = {}): JobWorker {
  return {
    name: PURGE_WORKER,
    idleMs: options.idleMs ?? 5000,
    runOnce: (signal) => purgeDue(deps, signal),
  };
}

/** Claims and purges one batch; returns how many jobs were claimed. */
export async function purgeDue(deps: PurgeDeps, signal?: AbortSignal): Promise<number> {
  const jobs = await claimDue(deps.db, BATCH);
  await mapBounded(jobs, CONCURRENCY, async (job) => {
    const log = deps.logger.child({ event: 'purge', key: job.key, tenantId: job.tenant_id });
    try {
      // An expired (or discarded) pending upload: its row goes first. A submit taking the row in
      // an open transaction holds it, so this waits for that commit, and the check below sees
      // the asset it made; a submit after this finds no row and asks for the file again.
      if (parsePendingKey(job.key) !== undefined) await deletePendingUploadsByKey(deps.db, job.key);
      if (await isKeyReferenced(deps.db, job.key)) {
        await completePurge(deps.db, [job.id]);
        deps.onPurged?.('kept');
        log.warn('purge skipped: a row still references the key');
        return;
      }
      // The spool first: its copies go at once even while the object store is down.
      let objects = 0;
      for (const store of [...deps.stores].reverse()) objects += await removeKeyOrPrefix(store, job.key, signal);
      await completePurge(deps.db, [job.id]);
      deps.onPurged?.('purged');
      log.info({ objects, attempts: job.attempts + 1 }, 'purged');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const outage = isOutage(err);
      await retryPurge(deps.db, job.id, message, { outage }).catch(() => undefined);
      deps.onPurged?.('retry');
      // An outage is reported once by the breaker; each purge waiting for it is a detail.
      if (outage) log.debug({ err: message }, 'purge waits for the object store');
      else log.warn({ err: message, attempts: job.attempts + 1 }, 'purge failed; will retry');
    }
  });
  return jobs.length;
}

/** Deletes one key, or every object under a prefix ending in `/`; returns how many were asked to go. */
async function removeKeyOrPrefix(store: ObjectStore, key: string, signal: AbortSignal | undefined): Promise<number> {
  if (!key.endsWith('/')) {
    await store.delete(key, { signal });
    return 1;
  }
  const keys: string[] = [];
  for await (const object of store.listAll(key, { signal })) keys.push(object.key);
  if (keys.length === 0) return 0;
  const result = await store.deleteMany(keys, { signal });
  if (result.failed.length > 0) throw result.failed[0]!.error;
  return keys.length;
}
