/**
 * Removing an object's files and the folders it leaves empty, so deleted tenants and assets
 * do not leave a forest of empty directories behind.
 */
import { lstat, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { errnoOf } from './fs-errors.js';

export async function unlinkFile(file: string): Promise<void> {
  const stats = await lstat(file).catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return undefined;
    throw err;
  });
  // Missing, or a folder (a key prefix, not an object): nothing to delete.
  if (stats === undefined || stats.isDirectory()) return;
  await rm(file, { force: true });
}

/** Removes now-empty folders from `dir` up to (not including) `stopAt`. */
export async function pruneEmptyParents(dir: string, stopAt: string): Promise<void> {
  while (dir.startsWith(stopAt + path.sep)) {
    try {
      await rmdir(dir);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') return; // not empty (or busy): stop here
    }
    dir = path.dirname(dir);
  }
}
