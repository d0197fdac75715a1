/** Failed log-ins in a row, per key (an account or a client address): plain functions over `db`. */
import { sql } from 'kysely';
import type { Db } from '../db/schema.js';

export interface LoginFailures {
  readonly key: string;
  readonly failures: number;
  readonly lastFailedAt: Date;
}

export async function findLoginFailures(db: Db, keys: readonly string[]): Promise<LoginFailures[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('login_failures').select(['key', 'failures', 'last_failed_at as lastFailedAt']).where('key', 'in', keys).execute();
}

/**
 * Counts one more failure for each key, in one statement. A count whose last failure is older
 * than `forgetBefore` starts over at 1.
 */
export async function addLoginFailure(db: Db, keys: readonly string[], at: Date, forgetBefore: Date): Promise<void> {
  if (keys.length === 0) return;
  await db
    .insertInto('login_failures')
    .values(keys.map((key) => ({ key, failures: 1, last_failed_at: at })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when login_failures.last_failed_at < ${forgetBefore} then 1 else login_failures.failures + 1 end`,
        last_failed_at: at,
      }),
    )
    .execute();
}

export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

/** Removes counts nobody has added to since `before`. */
export async function deleteStaleLoginFailures(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('login_failures').where('last_failed_at', '<', before).execute();
}
