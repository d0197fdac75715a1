/**
 * The storage facade: one `Store` over any driver (S3, local folder, database spool). Everything
 * every driver would otherwise repeat happens here, once: the key (or prefix) check, the abort
 * check, the refusal of a body already known to be too large, wrapping whatever a driver throws
 * into a StorageError with the original as `cause`, and `exists`, `deleteMany` and `listAll`
 * built over the driver's primitives.
 *
 * A wrapper plugs into one hook instead of re-forwarding every method: every call that reaches
 * the driver runs inside `hook` (the circuit breaker, fallback/breaker-hook.ts).
 *
 * @example
 *   const store = new Store(new LocalDriver({ root }));
 *   const guarded = store.withHook(breakerHook(breaker, store.location));
 *   await guarded.put(key, bytes, { contentType: 'image/webp', maxBytes: 2 << 20, signal });
 */
import type { Readable } from 'node:stream';
import { eachBounded } from '../each-bounded.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import type {
  DeleteManyResult,
  GetOptions,
  GetResult,
  HeadResult,
  ListedObject,
  ListOptions,
  ListPage,
  ObjectStore,
  PutOptions,
  PutResult,
  SignalOption,
  StorageDriver,
  StoreCapabilities,
} from './object-store.js';
import { StorageError, abortedError, isStorageError } from './storage-error.js';
import { tooLarge } from './stream-meter.js';

/** Runs one driver call; a wrapper's one way in (see fallback/breaker-hook.ts). */
export type StoreHook = <T>(call: () => Promise<T>) => Promise<T>;

const MAX_PAGE = 1000;
/** Keys deleted at once by a driver without batch deletes. */
const DELETE_CONCURRENCY = 16;

const direct: StoreHook = (call) => call();

export class Store implements ObjectStore {
  readonly driver: StorageDriver['name'];
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  private sha256Check: Promise<boolean> | undefined;

  constructor(
    readonly backend: StorageDriver,
    private readonly hook: StoreHook = direct,
  ) {
    this.driver = backend.name;
    this.location = backend.location;
    this.capabilities = backend.capabilities;
  }

  /** The same driver with every call going through `hook` (closing either closes the driver). */
  withHook(hook: StoreHook): Store {
    return new Store(this.backend, hook);
  }

  /** Runs a driver call: refused when aborted, every failure a StorageError. */
  private async call<T>(key: string | undefined, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw abortedError(signal, key);
    try {
      return await this.hook(run);
    } catch (err) {
      throw wrap(err, key, signal);
    }
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    try {
      assertValidKey(key);
      const known = body instanceof Uint8Array ? body.byteLength : options.contentLength;
      // Refused before a byte moves when the size is already known to be too large.
      if (options.maxBytes !== undefined && known !== undefined && known > options.maxBytes) throw tooLarge(options.maxBytes, key);
      return await this.call(key, options.signal, () => this.backend.put(key, body, options));
    } catch (err) {
      // The body is ours once passed: a failed put never leaves the caller's stream open.
      if (!(body instanceof Uint8Array) && !body.destroyed) body.destroy();
      throw wrap(err, key, options.signal);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    assertValidKey(key);
    const { range, signal } = options;
    if (
      range !== undefined &&
      (!Number.isSafeInteger(range.start) ||
        range.start < 0 ||
        (range.end !== undefined && (!Number.isSafeInteger(range.end) || range.end < range.start)))
    ) {
      throw new StorageError('StoreError', `Invalid byte range ${JSON.stringify(range)}.`, { key });
    }
    const got = await this.call(key, signal, () => this.backend.get(key, options));
    endOnAbort(got.body, signal, key);
    return got;
  }

  async head(key: string, options: SignalOption = {}): Promise<HeadResult> {
    assertValidKey(key);
    return this.call(key, options.signal, () => this.backend.head(key, options));
  }

  async exists(key: string, options: SignalOption = {}): Promise<boolean> {
    try {
      await this.head(key, options);
      return true;
    } catch (err) {
      if (isStorageError(err, 'ObjectNotFound')) return false;
      throw err;
    }
  }

  async delete(key: string, options: SignalOption = {}): Promise<void> {
    assertValidKey(key);
    await this.call(key, options.signal, () => this.backend.delete(key, options));
  }

  async deleteMany(keys: readonly string[], options: SignalOption = {}): Promise<DeleteManyResult> {
    const { signal } = options;
    const result: DeleteManyResult = { deleted: [], failed: [] };
    const valid: string[] = [];
    for (const key of keys) {
      try {
        assertValidKey(key);
        valid.push(key);
      } catch (err) {
        result.failed.push({ key: String(key), error: err as StorageError });
      }
    }
    const batchSize = this.backend.capabilities.deleteBatchSize;
    const deleteBatch = this.backend.deleteBatch?.bind(this.backend);
    if (batchSize > 0 && deleteBatch !== undefined) {
      for (let i = 0; i < valid.length; i += batchSize) {
        const batch = valid.slice(i, i + batchSize);
        try {
          const done = await this.call(undefined, signal, () => deleteBatch(batch, options));
          result.deleted.push(...done.deleted);
          result.failed.push(...done.failed);
        } catch (err) {
          // A batch refused as a whole (unreachable store, bad credentials) fails each of its keys.
          if (isStorageError(err, 'Aborted')) throw err;
          result.failed.push(...batch.map((key) => ({ key, error: err as StorageError })));
        }
      }
      return result;
    }
    const failed = new Map<string, StorageError>();
    await eachBounded(
      valid,
      DELETE_CONCURRENCY,
      async (key) => {
        try {
          await this.call(key, signal, () => this.backend.delete(key, options));
        } catch (err) {
          failed.set(key, err as StorageError);
        }
      },
      signal,
    );
    // An abort is about the whole call, not one key: deleting again is safe (idempotent).
    if (signal?.aborted) throw abortedError(signal);
    for (const key of valid) {
      const error = failed.get(key);
      if (error === undefined) result.deleted.push(key);
      else result.failed.push({ key, error });
    }
    return result;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    const asked = Number.isFinite(options.limit) ? Math.trunc(options.limit!) : MAX_PAGE;
    const limit = Math.min(Math.max(asked, 1), MAX_PAGE);
    return this.call(undefined, options.signal, () => this.backend.list(prefix, { ...options, limit }));
  }

  async *listAll(prefix: string, options: SignalOption = {}): AsyncIterable<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.list(prefix, { token, signal: options.signal });
      yield* page.objects;
      token = page.nextToken;
    } while (token !== undefined);
  }

  checksSha256OnWrite(options: SignalOption = {}): Promise<boolean> {
    const probe = this.backend.probeSha256OnWrite?.bind(this.backend);
    if (this.capabilities.sha256OnWrite === true || probe === undefined) return Promise.resolve(this.capabilities.sha256OnWrite === true);
    // One probe per store; a failed one (store unreachable, say) is not remembered.
    this.sha256Check ??= this.call(undefined, options.signal, () => probe(options)).catch((err: unknown) => {
      this.sha256Check = undefined;
      throw err;
    });
    return this.sha256Check;
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

/** A driver's failure as a StorageError (the caller's abort wins over whatever it caused). */
function wrap(err: unknown, key: string | undefined, signal: AbortSignal | undefined): StorageError {
  if (isStorageError(err)) return err;
  if (signal?.aborted) return abortedError(signal, key);
  const message = err instanceof Error ? err.message : String(err);
  return new StorageError('StoreError', `The storage operation failed: ${message}`, { cause: err, key });
}

/** After `get` returns, the caller's abort still ends the body stream (and frees its socket or file). */
function endOnAbort(body: Readable, signal: AbortSignal | undefined, key: string): void {
  if (signal === undefined) return;
  const onAbort = () => body.destroy(abortedError(signal, key));
  signal.addEventListener('abort', onAbort, { once: true });
  body.once('close', () => signal.removeEventListener('abort', onAbort));
}
