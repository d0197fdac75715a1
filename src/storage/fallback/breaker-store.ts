/**
 * The object store behind a circuit breaker: while the breaker is open every I/O call fails
 * at once with `StoreUnreachable` (no retries, no timeouts to wait out), so an upload can go
 * to the fallback spool in milliseconds. URL signing is local work and always passes.
 * Every failure is also reported by kind (for the `s3 errors` metric).
 */
import type { Readable } from 'node:stream';
import type {
  DeleteManyResult,
  GetOptions,
  GetResult,
  HeadResult,
  ListedObject,
  ListOptions,
  ListPage,
  ObjectStore,
  PresignedPost,
  PresignedPostOptions,
  PutOptions,
  PutResult,
  SignalOption,
  SignedUrlOptions,
} from '../object-store.js';
import { StorageError, isStorageError } from '../storage-error.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { isOutage } from './outage.js';
import { listAllPages } from '../list-all.js';

export class BreakerStore implements ObjectStore {
  readonly driver: ObjectStore['driver'];
  readonly location: string;

  constructor(
    private readonly inner: ObjectStore,
    readonly breaker: CircuitBreaker,
    private readonly onError: (code: string) => void = () => {},
  ) {
    this.driver = inner.driver;
    this.location = inner.location;
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    if (!this.breaker.allow()) {
      this.onError('CircuitOpen');
      throw new StorageError(
        'StoreUnreachable',
        `The object store at ${this.location} is failing; calls are paused for a few seconds (circuit breaker open).`,
      );
    }
    try {
      const result = await run();
      this.breaker.success();
      return result;
    } catch (err) {
      if (isOutage(err)) this.breaker.failure();
      // A request the store answered (missing object, refused key) proves it is up.
      else if (isStorageError(err) && err.code !== 'Aborted') this.breaker.success();
      this.onError(isStorageError(err) ? err.code : 'Unknown');
      throw err;
    }
  }

  put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    return this.call(() => this.inner.put(key, body, options));
  }
  get(key: string, options?: GetOptions): Promise<GetResult> {
    return this.call(() => this.inner.get(key, options));
  }
  head(key: string, options?: SignalOption): Promise<HeadResult> {
    return this.call(() => this.inner.head(key, options));
  }
  exists(key: string, options?: SignalOption): Promise<boolean> {
    return this.call(() => this.inner.exists(key, options));
  }
  delete(key: string, options?: SignalOption): Promise<void> {
    return this.call(() => this.inner.delete(key, options));
  }
  deleteMany(keys: readonly string[], options?: SignalOption): Promise<DeleteManyResult> {
    return this.call(() => this.inner.deleteMany(keys, options));
  }
  list(prefix: string, options?: ListOptions): Promise<ListPage> {
    return this.call(() => this.inner.list(prefix, options));
  }
  listAll(prefix: string, options: SignalOption = {}): AsyncIterable<ListedObject> {
    return listAllPages(this, prefix, options);
  }
  copy(sourceKey: string, destinationKey: string, options?: SignalOption): Promise<void> {
    return this.call(() => this.inner.copy(sourceKey, destinationKey, options));
  }
  checksSha256OnWrite(options?: SignalOption): Promise<boolean> {
    return this.call(() => this.inner.checksSha256OnWrite(options));
  }
  publicUrl(key: string): string | undefined {
    return this.inner.publicUrl(key);
  }
  signedUrl(key: string, options?: SignedUrlOptions): Promise<string> {
    return this.inner.signedUrl(key, options);
  }
  presignedPost(key: string, options: PresignedPostOptions): Promise<PresignedPost> {
    return this.inner.presignedPost(key, options);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
