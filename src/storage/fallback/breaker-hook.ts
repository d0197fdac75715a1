/**
 * The object store behind a circuit breaker, as the facade's one hook (store.ts): while the
 * breaker is open every call fails at once with `StoreUnreachable` (no retries, no timeouts to
 * wait out), so an upload can go to the fallback spool in milliseconds. Delivery URLs are made
 * without calling the store and always pass. Every failure is also reported by kind (for the
 * `s3 errors` metric).
 *
 * @example
 *   const guarded = store.withHook(breakerHook(breaker, store.location, (kind) => metrics.count('s3Errors', { kind })));
 */
import type { StoreHook } from '../store.js';
import { StorageError, isStorageError } from '../storage-error.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { isOutage } from './outage.js';

export function breakerHook(breaker: CircuitBreaker, location: string, onError: (code: string) => void = () => {}): StoreHook {
  return async (call) => {
    if (!breaker.allow()) {
      onError('CircuitOpen');
      throw new StorageError(
        'StoreUnreachable',
        `The object store at ${location} is failing; calls are paused for a few seconds (circuit breaker open).`,
      );
    }
    try {
      const result = await call();
      breaker.success();
      return result;
    } catch (err) {
      if (isOutage(err)) breaker.failure();
      // A request the store answered (missing object, refused key) proves it is up.
      else if (isStorageError(err) && err.code !== 'Aborted') breaker.success();
      onError(isStorageError(err) ? err.code : 'Unknown');
      throw err;
    }
  };
}
