/**
 * Migrations: a static list (no directory scan), so they run the same under tsx, from a
 * bundle or from a compiled build.
 *
 * Two instances starting together do not race: Kysely's PostgreSQL adapter runs the whole
 * migration in one transaction holding `pg_advisory_xact_lock`, on a server and on PGlite
 * alike (test/db/migrate.test.ts starts two migrators at once on each).
 *
 * @example
 *   const ran = await migrateToLatest(db);   // ['0001-initial'] the first time, [] after
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-initial.js';
import * as m0002 from './migrations/0002-spool.js';
import * as m0003 from './migrations/0003-storage-migration-and-legacy-import.js';
import * as m0004 from './migrations/0004-sessions-and-login-throttle.js';
import * as m0005 from './migrations/0005-shop-owner-first-day.js';
import type { Database } from './schema.js';

/** Add each new migration here, in order; names sort lexically, so keep the NNNN- prefix. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-spool': m0002,
  '0003-storage-migration-and-legacy-import': m0003,
  '0004-sessions-and-login-throttle': m0004,
  '0005-shop-owner-first-day': m0005,
};

/** Every migration's name, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export function createMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider });
}

/** Applies every pending migration; returns the names of those that ran (empty when up to date). */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  if (await upToDate(db)) return [];
  const { error, results } = await createMigrator(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `Database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`.replace('  ', ' '),
      {
        cause: error,
      },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * True when the database has applied exactly our migrations: one query instead of the
 * migrator's table checks, lock and transaction (about 0.2 s of a CLI command's start on the
 * embedded database). Anything else — no migration table yet, one missing, one this version does
 * not know — goes to the migrator, which applies or refuses as before.
 */
async function upToDate(db: Kysely<Database>): Promise<boolean> {
  let applied: string[];
  try {
    applied = (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((r) => r.name);
  } catch {
    return false;
  }
  return applied.length === MIGRATION_NAMES.length && MIGRATION_NAMES.every((name) => applied.includes(name));
}
