import { AppError } from '../errors.js';
import type { StorageErrorCode } from './object-store.js';

/**
 * A failed storage operation. `code` says what went wrong, `cause` is the provider's own
 * error (SDK exception, errno error), `key` the object involved when there is one.
 */
export class StorageError extends AppError {
  override readonly name = 'StorageError';
  declare readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message?: string, options?: { cause?: unknown; key?: string | undefined }) {
    super(code, message, { cause: options?.cause });
    this.key = options?.key;
  }

  readonly key: string | undefined;
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

/**
 * A put whose bytes did not match the sha256 it came with (`PutOptions.sha256`): nothing was
 * stored. `where` names the store, e.g. "The object store at http://minio:9000".
 */
export function sha256MismatchError(where: string, key: string, detail = '', cause?: unknown): StorageError {
  return new StorageError(
    'StoreError',
    `${where} received bytes for ${JSON.stringify(key)} that do not match the sha256 they were sent with${detail}; ` +
      "when that sha256 came from the source's own records, the source object is damaged.",
    { cause, key },
  );
}

/** The error to throw when `signal` fired: keeps the reason as the cause. */
export function abortedError(signal: AbortSignal | undefined, key?: string): StorageError {
  return new StorageError('Aborted', 'The storage operation was aborted.', { cause: signal?.reason, key });
}
