/**
 * Turns an errno error from node:fs into a {@link StorageError} whose code says what went
 * wrong, keeping the original as `cause`. The caller's abort always wins: a stream torn down
 * because the signal fired is `Aborted` whatever errno it produced on the way.
 *
 * @example
 *   catch (err) { throw mapFsError(err, 'read', key, signal); }
 */
import { StorageError, abortedError } from '../storage-error.js';
import type { StorageErrorCode } from '../object-store.js';

export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `action` is for the message; for a `read`, a missing file means a missing object. */
export function mapFsError(err: unknown, action: 'read' | 'write' | 'delete' | 'list', key?: string, signal?: AbortSignal): StorageError {
  if (signal?.aborted) return abortedError(signal, key);
  if (err instanceof StorageError) return err;
  const errno = errnoOf(err);
  const what = key === undefined ? 'the local store' : `object ${JSON.stringify(key)}`;
  const make = (code: StorageErrorCode, why: string) => new StorageError(code, `Could not ${action} ${what}: ${why}`, { cause: err, key });
  // A read of "a/b" where "a" is a file (ENOTDIR) asks for an object that is not there either.
  if (action === 'read' && (errno === 'ENOENT' || errno === 'ENOTDIR')) {
    return new StorageError('ObjectNotFound', `Object ${JSON.stringify(key ?? '')} does not exist.`, { cause: err, key });
  }
  switch (errno) {
    case 'ENOENT':
      return make('StoreError', 'a folder of the local store is missing.');
    case 'EACCES':
    case 'EPERM':
      return make('AccessDenied', "the local store's folder is not accessible (check DATA_DIR permissions).");
    case 'ENOSPC':
    case 'EDQUOT':
      return make('StoreError', 'the disk holding DATA_DIR is full.');
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      // On disk "a" cannot be both an object and the folder of "a/b" (S3 has no such limit).
      return make('StoreError', 'it clashes with an existing object or key prefix of the same name.');
    default:
      return make('StoreError', err instanceof Error ? err.message : String(err));
  }
}
