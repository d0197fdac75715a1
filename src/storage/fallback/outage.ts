import { isStorageError } from '../storage-error.js';

/**
 * Whether a store failure means "the store is not working right now" (unreachable, timed
 * out, a 5xx or SlowDown) rather than "this request is wrong" (missing object, bad key,
 * refused credentials). Only outages open the breaker and send uploads to the spool.
 */
export function isOutage(err: unknown): boolean {
  if (!isStorageError(err)) return false;
  if (err.code === 'StoreUnreachable') return true;
  if (err.code !== 'StoreError') return false;
  const cause = err.cause as { $metadata?: { httpStatusCode?: number }; name?: string } | undefined;
  const status = cause?.$metadata?.httpStatusCode;
  return (status !== undefined && status >= 500) || cause?.name === 'SlowDown';
}
