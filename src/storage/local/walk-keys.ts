/**
 * Keys under a prefix in ascending UTF-8 byte order (as S3 lists them), by walking the object
 * tree. A plain sorted walk is not enough: "a-b" sorts before "a/x" ("-" < "/"), so a folder
 * sorts as its name plus "/", the prefix every key inside it shares. Folders that cannot hold a
 * key after `after` are never opened: page N does not re-read pages 1..N-1. The list token is
 * the last key returned, base64url (opaque, URL-safe).
 *
 * @example
 *   for await (const key of walkKeys(objectsDir, 't/1/', decodeToken(token), signal)) …
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { invalidKeyReason } from '../keys.js';
import { StorageError } from '../storage-error.js';
import { errnoOf } from './fs-errors.js';

export function encodeToken(key: string): string {
  return Buffer.from(key).toString('base64url');
}

export function decodeToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (key === '' || encodeToken(key) !== token) throw new StorageError('InvalidKey', 'The list continuation token is not valid.');
  return key;
}

const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Yields every key starting with `prefix` and sorting after `after` (when given), ascending.
 * Only plain files and folders count: a symbolic link someone put in the tree is not an object.
 */
export async function* walkKeys(dir: string, prefix: string, after?: string, signal?: AbortSignal, under = ''): AsyncGenerator<string> {
  signal?.throwIfAborted();
  const dirents = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    // A folder pruned by a concurrent delete (or not made yet) has nothing to list.
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return [];
    throw err;
  });
  const sortKeys = dirents
    .filter((d) => d.isDirectory() || d.isFile())
    .map((d) => `${under}${d.name}${d.isDirectory() ? '/' : ''}`)
    .sort(compareKeys);
  for (const sortKey of sortKeys) {
    if (sortKey.endsWith('/')) {
      // Descend only where the prefix and this folder overlap, and some key inside can still sort after `after`.
      if (!sortKey.startsWith(prefix) && !prefix.startsWith(sortKey)) continue;
      if (after !== undefined && compareKeys(sortKey, after) < 0 && !after.startsWith(sortKey)) continue;
      yield* walkKeys(path.join(dir, sortKey.slice(under.length, -1)), prefix, after, signal, sortKey);
    } else if (sortKey.startsWith(prefix) && (after === undefined || compareKeys(sortKey, after) > 0)) {
      // Anything a person dropped in by hand that is not a valid key is not an object.
      if (invalidKeyReason(sortKey) === undefined) yield sortKey;
    }
  }
}
