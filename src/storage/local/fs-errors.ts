/**
 * Turns an errno error from node:fs into a {@link StorageError} whose code says what went
 * wrong, keeping the original as `cause`. The caller's abort always wins: a stream torn down
 * because the signal fired is `Aborted` whatever errno it produced on the way.
 */
import { StorageError, abortedError } from '../storage-error.js';

export interface FsErrorContext {
  key?: string | undefined;
  signal?: AbortSignal | undefined;
  /** What was being done, for the message: "read", "write", "delete", "list". */
  action: string;
  /** Whether ENOENT means the object is missing (reads) or the store itself is broken (writes). */
  missingIsNotFound: boolean;
}

export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function mapFsError(err: unknown, ctx: FsErrorContext): StorageError {
  if (ctx.signal?.aborted) return abortedError(ctx.signal, ctx.key);
  if (err instanceof StorageError) return err;
  const { key, action } = ctx;
  const name = (err as { name?: unknown } | null)?.name;
  const errno = errnoOf(err);
  const what = key === undefined ? 'the local store' : `object ${JSON.stringify(key)}`;
  const make = (code: ConstructorParameters<typeof StorageError>[0], message: string) =>
    new StorageError(code, message, { cause: err, key });

  if (name === 'AbortError' || errno === 'ABORT_ERR') return make('Aborted', 'The storage operation was aborted.');
  switch (errno) {
    case 'ENOENT':
      return ctx.missingIsNotFound
        ? make('ObjectNotFound', `Object ${JSON.stringify(key ?? '')} does not exist.`)
        : make('StoreError', `Could not ${action} ${what}: a folder of the local store is missing.`);
    case 'EACCES':
    case 'EPERM':
      return make('AccessDenied', `Could not ${action} ${what}: the local store's folder is not accessible (check DATA_DIR permissions).`);
    case 'ENOSPC':
    case 'EDQUOT':
      return make('StoreError', `Could not ${action} ${what}: the disk holding DATA_DIR is full.`);
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      // On disk "a" cannot be both an object and the folder of "a/b" (S3 has no such limit).
      return make('StoreError', `Could not ${action} ${what}: it clashes with an existing object or key prefix of the same name.`);
    case 'ELOOP':
      return make('AccessDenied', `Could not ${action} ${what}: the local store does not follow symbolic links.`);
    default:
      return make('StoreError', `Could not ${action} ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
