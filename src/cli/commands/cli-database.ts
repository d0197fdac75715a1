/**
 * What the database commands share: open the configured database, bring it up to date, run the
 * work, always close; and report bad input as one line with exit code 2.
 */
import type { Config } from '../../config.js';
import { createDatabase, type DatabaseHandle } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { isAppError } from '../../errors.js';

/** Exit code for input the operator must fix (bad option value, taken email, unknown tenant). */
export const EXIT_BAD_INPUT = 2;

export async function withMigratedDatabase<T>(
  config: Config,
  work: (handle: DatabaseHandle, migrated: string[]) => Promise<T>,
): Promise<T> {
  const handle = await createDatabase(config, { poolSize: 2 });
  try {
    const migrated = await migrateToLatest(handle.db);
    return await work(handle, migrated);
  } finally {
    await handle.close();
  }
}

/** Prints one line saying what to fix and sets the exit code; the process then ends normally. */
export function badInput(command: string, message: string): void {
  process.stderr.write(`vitrina ${command}: ${message}\n`);
  process.exitCode = EXIT_BAD_INPUT;
}

/** Input errors (Unprocessable, Conflict, NotFound) become one line and exit code 2; anything else propagates. */
export function reportInputError(command: string, err: unknown): void {
  if (isAppError(err, 'Unprocessable') || isAppError(err, 'Conflict') || isAppError(err, 'NotFound')) {
    badInput(command, err.message);
    return;
  }
  throw err;
}
