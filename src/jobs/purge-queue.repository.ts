/**
 * The purge queue: object keys to delete from the store once the transaction that stopped
 * referencing them has committed. Enqueue inside that transaction; a worker claims due rows
 * with `FOR UPDATE SKIP LOCKED`, so any number of instances share the work without a broker.
 *
 * A claim is a lease: claimed rows get `not_before = now() + lease`, so a worker that dies
 * mid-purge leaves its rows to be claimed again once the lease runs out. Deleting an object
 * twice is harmless.
 *
 * @example
 *   await db.transaction().execute(async (trx) => {
 *     await deleteProduct(trx, tenantId, id);
 *     await enqueuePurge(trx, [asset.key_prefix], tenantId);
 *   });
 *   const jobs = await claimDue(db, 10);   // then delete each, completePurge / retryPurge
 */
import { sql } from 'kysely';
import type { Db, PurgeJob } from '../db/schema.js';
import { newAssetPrefix, parseAssetPrefix, parseIncomingKey, parsePendingKey } from '../storage/key-locator.js';

export const DEFAULT_LEASE_SECONDS = 60;
/** Backoff doubles per attempt (2 s, 4 s, 8 s …) up to this. */
export const MAX_BACKOFF_SECONDS = 3600;

/** Queues keys (or asset prefixes ending in `/`) for deletion; pass the caller's transaction. */
export async function enqueuePurge(
  trx: Db,
  keys: readonly string[],
  tenantId: number | null,
  options: { delaySeconds?: number; notBefore?: Date } = {},
): Promise<void> {
  if (keys.length === 0) return;
  const notBefore = options.notBefore ?? sql<Date>`now() + make_interval(secs => ${options.delaySeconds ?? 0})`;
  await trx
    .insertInto('purge_queue')
    .values(keys.map((key) => ({ key, tenant_id: tenantId, not_before: notBefore })))
    .execute();
}

/**
 * Claims up to `limit` due rows and leases them to the caller. Rows locked by another
 * claimer's open transaction are skipped, not waited for, so concurrent claims are disjoint.
 */
export async function claimDue(db: Db, limit: number, options: { leaseSeconds?: number } = {}): Promise<PurgeJob[]> {
  const lease = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  return db
    .updateTable('purge_queue')
    .set({ not_before: sql<Date>`now() + make_interval(secs => ${lease})` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('purge_queue')
        .select('id')
        .where('not_before', '<=', sql<Date>`now()`)
        .orderBy('not_before')
        .limit(Math.max(1, Math.trunc(limit)))
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute()
    .then((rows) => rows.sort((a, b) => a.id - b.id));
}

/** The objects are gone: drop the rows. */
export async function completePurge(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('purge_queue').where('id', 'in', ids).execute();
}

/** Seconds a purge waits while the store is down (an outage, not the purge, is at fault). */
export const OUTAGE_RETRY_SECONDS = 10;

/**
 * A purge failed: count the attempt, keep the error, try again after 2^attempts seconds
 * (capped). During a store outage (`outage`) the attempt is not counted and the purge simply
 * waits OUTAGE_RETRY_SECONDS, so it runs soon after the store is back, not an hour later.
 */
export async function retryPurge(db: Db, id: number, error: string, options: { outage?: boolean } = {}): Promise<void> {
  await db
    .updateTable('purge_queue')
    .set((eb) => ({
      attempts: options.outage ? eb.ref('attempts') : eb('attempts', '+', 1),
      last_error: error.slice(0, 2000),
      not_before: options.outage
        ? sql<Date>`now() + make_interval(secs => ${OUTAGE_RETRY_SECONDS})`
        : sql<Date>`now() + make_interval(secs => least(power(2, attempts + 1), ${MAX_BACKOFF_SECONDS}))`,
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * Whether an asset row still references this key (or prefix). The purge worker checks it
 * before deleting, so a queued key that a row took back (or never let go) is never removed.
 */
export async function isKeyReferenced(db: Db, key: string): Promise<boolean> {
  // An upload waiting for processing, or a pending upload (a form's kept image) an asset took as its source.
  if (parseIncomingKey(key) !== undefined || parsePendingKey(key) !== undefined) {
    const waiting = await db.selectFrom('assets').select('id').where('source_key', '=', key).executeTakeFirst();
    return waiting !== undefined;
  }
  const parsed = parseAssetPrefix(key);
  if (parsed === undefined) return false;
  const prefix = newAssetPrefix(parsed.tenantId, parsed.assetId);
  const row = await db.selectFrom('assets').select('id').where('key_prefix', '=', prefix).executeTakeFirst();
  return row !== undefined;
}

/** Rows waiting, and how many of them are due now (metrics, health). */
export async function purgeBacklog(db: Db): Promise<{ total: number; due: number }> {
  const row = await db
    .selectFrom('purge_queue')
    .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where not_before <= now()))::int`.as('due')])
    .executeTakeFirstOrThrow();
  return row;
}
