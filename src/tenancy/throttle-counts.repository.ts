/** Attempts in a row per throttling key (log-ins, sign-ups): plain functions over `db`. */
import { sql } from 'kysely';
import type { Db } from '../db/schema.js';

export interface ThrottleCount {
  readonly key: string;
  /** Attempts in a row, this one included. */
  readonly attempts: number;
  /** When the attempt before this one was counted; null when this one started the count. */
  readonly previousAt: Date | null;
}

/**
 * Counts one more attempt for each key and returns the new counts, in one statement: each row
 * is locked while it is updated, so attempts made at the same moment get 1, 2, 3 … and never
 * the same count. A count whose last attempt is older than `forgetBefore` starts over at 1.
 * Keys are taken in order, so two statements on the same keys cannot deadlock.
 */
export async function countAttempts(db: Db, keys: readonly string[], at: Date, forgetBefore: Date): Promise<ThrottleCount[]> {
  if (keys.length === 0) return [];
  const stale = sql<boolean>`throttle_counts.last_at < ${forgetBefore}`;
  return db
    .insertInto('throttle_counts')
    .values([...keys].sort().map((key) => ({ key, attempts: 1, last_at: at, previous_at: null })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        attempts: sql<number>`case when ${stale} then 1 else throttle_counts.attempts + 1 end`,
        previous_at: sql<Date | null>`case when ${stale} then null else throttle_counts.last_at end`,
        last_at: at,
      }),
    )
    .returning(['key', 'attempts', 'previous_at as previousAt'])
    .execute();
}

export async function findThrottleCount(db: Db, key: string): Promise<{ attempts: number; lastAt: Date } | undefined> {
  return db.selectFrom('throttle_counts').select(['attempts', 'last_at as lastAt']).where('key', '=', key).executeTakeFirst();
}

export async function deleteThrottleCount(db: Db, key: string): Promise<void> {
  await db.deleteFrom('throttle_counts').where('key', '=', key).execute();
}

/** Takes one attempt back from each key (one that turned out to be a success). */
export async function uncountAttempt(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('throttle_counts')
    .set({ attempts: sql<number>`greatest(attempts - 1, 0)` })
    .where('key', 'in', keys)
    .execute();
}

/** How long a count lasts with no attempt, for every kind: longer-lived kinds would outlive their rows. */
export const THROTTLE_COUNT_LIFETIME_MS = 24 * 3600 * 1000;
/** More than the rows one attempt can add (three): the table shrinks back to the last day's keys. */
const PRUNE_BATCH = 16;

/**
 * Removes a few counts nobody has added to for {@link THROTTLE_COUNT_LIFETIME_MS}. Called with
 * every attempt counted, so the table holds little more than the last day's keys, at the cost of
 * one short index scan.
 */
export async function pruneThrottleCounts(db: Db, now: number): Promise<void> {
  const before = new Date(now - THROTTLE_COUNT_LIFETIME_MS);
  await db
    .deleteFrom('throttle_counts')
    .where('key', 'in', (qb) => qb.selectFrom('throttle_counts').select('key').where('last_at', '<', before).limit(PRUNE_BATCH))
    .execute();
}
