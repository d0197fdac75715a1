/**
 * Purges products that have been in the trash for 30 days, any tenant, a bounded batch per
 * run. Each batch is one transaction that deletes the rows (claimed with `FOR UPDATE SKIP
 * LOCKED`, so instances sweeping side by side take disjoint rows) and queues their images
 * for the purge worker: the images are queued only once no row references them.
 *
 * The clock is injected (`now`), so a test sweeps "31 days later" without waiting.
 *
 * @example
 *   const worker = trashExpiryWorker({ db, onPurgeQueued: () => runner.kick('purge') });
 *   await purgeExpiredTrash({ db }, new Date(Date.now() + 31 * 86_400_000));   // a test
 */
import { purgeExpiredTrash, type TrashDeps } from '../catalog/trash.service.js';
import type { JobWorker } from './job-runner.js';

export const TRASH_EXPIRY_WORKER = 'trash-expiry';

const BATCH = 100;

export interface TrashExpiryOptions {
  /** The wall clock (default: the system's). */
  now?: () => Date;
  /** How long to sleep when nothing was due (default: 10 minutes: a day's granularity needs no more). */
  idleMs?: number;
}

export function trashExpiryWorker(deps: TrashDeps, options: TrashExpiryOptions = {}): JobWorker {
  const now = options.now ?? (() => new Date());
  return {
    name: TRASH_EXPIRY_WORKER,
    idleMs: options.idleMs ?? 600_000,
    runOnce: () => purgeExpiredTrash(deps, now(), BATCH),
  };
}
