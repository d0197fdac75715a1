/**
 * Keys under a prefix in ascending order (byte order of their UTF-8, as S3 lists them), by
 * walking the object tree. A plain sorted walk is not enough: "a-b" sorts before "a/x"
 * because "-" < "/", so a folder is ordered by its name plus "/" — exactly the prefix every
 * key inside it shares. Folders that cannot hold a key after `after` are never opened, so
 * fetching page N does not re-read pages 1..N-1.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { invalidKeyReason } from '../keys.js';
import { errnoOf } from './fs-errors.js';

export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

interface Entry {
  /** The key (file) or key prefix ending in "/" (folder) this entry stands for. */
  sortKey: string;
  isDir: boolean;
}

/**
 * Yields every key starting with `prefix` and sorting after `after` (when given), ascending.
 * Symbolic links are skipped: the store never follows them.
 */
export async function* walkKeys(
  objectsDir: string,
  prefix: string,
  after: string | undefined,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  yield* walkDir(objectsDir, '', prefix, after, signal);
}

async function* walkDir(
  dir: string,
  dirPrefix: string,
  prefix: string,
  after: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  signal?.throwIfAborted();
  let dirents: Dirent[];
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    // A folder pruned by a concurrent delete simply has nothing left to list.
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return;
    throw err;
  }
  const entries: Entry[] = [];
  for (const d of dirents) {
    if (d.isDirectory()) entries.push({ sortKey: `${dirPrefix}${d.name}/`, isDir: true });
    else if (d.isFile()) entries.push({ sortKey: `${dirPrefix}${d.name}`, isDir: false });
  }
  entries.sort((a, b) => compareKeys(a.sortKey, b.sortKey));

  for (const entry of entries) {
    const { sortKey } = entry;
    if (entry.isDir) {
      // Descend only where the prefix and this folder overlap…
      if (!sortKey.startsWith(prefix) && !prefix.startsWith(sortKey)) continue;
      // …and where some key inside can still sort after `after`.
      if (after !== undefined && compareKeys(sortKey, after) < 0 && !after.startsWith(sortKey)) continue;
      yield* walkDir(path.join(dir, sortKey.slice(dirPrefix.length, -1)), sortKey, prefix, after, signal);
    } else {
      if (!sortKey.startsWith(prefix)) continue;
      if (after !== undefined && compareKeys(sortKey, after) <= 0) continue;
      // Anything a person dropped in by hand that is not a valid key is not an object.
      if (invalidKeyReason(sortKey) !== undefined) continue;
      yield sortKey;
    }
  }
}
