/**
 * An embedded PGlite data folder may be opened by one process only: two WASM PostgreSQL
 * backends writing the same files corrupt them. This lock file (with the owner's pid) makes a
 * second process — a `vitrina tenant create` while `vitrina serve` runs — stop with a clear
 * message instead. A lock left by a dead process is taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { AppError } from '../errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws AppError Unavailable naming the process that holds it; returns the release. */
export async function lockDataDir(lockFile: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return async () => {
        await rm(lockFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
    if (owner === process.pid || (Number.isSafeInteger(owner) && owner > 0 && isAlive(owner))) {
      throw new AppError(
        'Unavailable',
        `The embedded database is in use by process ${owner} (${lockFile}); stop that process first, or set DATABASE_URL to share a PostgreSQL server.`,
      );
    }
    await rm(lockFile, { force: true });
  }
  throw new AppError('Unavailable', `Could not lock the embedded database (${lockFile}).`);
}
