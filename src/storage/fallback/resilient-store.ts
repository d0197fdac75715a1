/**
 * The object store as the rest of the app uses it, made safe for an S3 outage and for many
 * instances: with S3, every call goes through a circuit breaker (breaker-hook.ts) and new
 * objects go to a spool (fallback-spool.ts) while the store is failing; the replicator moves
 * them to S3 once it answers again. The spool has a size cap: past it an upload is refused
 * (503) rather than filling a disk. A local folder needs neither breaker nor spool.
 *
 * An asset's row says where its objects are (`location`: store | spool); `storeFor` maps it.
 *
 * @example
 *   const stores = resilientStore(config, createObjectStore(config, logger), { db, logger });
 *   const { location, result } = await stores.put(key, bytes, { contentType: 'image/jpeg' });
 *   const health = await stores.health(AbortSignal.timeout(5000));   // for /readyz
 *   await stores.close();
 */
import type { Config } from '../../config.js';
import type { AssetLocation, Db } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ObjectStore, PutOptions, PutResult } from '../object-store.js';
import { Store } from '../store.js';
import { isStorageError } from '../storage-error.js';
import { breakerHook } from './breaker-hook.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import { fallbackSpool, type Spool } from './fallback-spool.js';
import { isOutage } from './outage.js';

/** What /readyz says about storage. */
export interface StorageHealth {
  /** The object store answered a one-object listing (which also proves the bucket and the credentials). */
  ok: boolean;
  error?: string;
  /** The breaker's state, when there is one (S3). */
  breaker?: BreakerState;
  /** Whether uploads go to a spool while the store fails (the instance is then degraded, not down). */
  canFallBack: boolean;
}

export interface ResilientStoreParts {
  /** The object store; behind `breaker` when there is one. Closed by close(). */
  primary: ObjectStore;
  breaker?: CircuitBreaker | undefined;
  spool?: Spool | undefined;
  /** Bytes the spool may hold. */
  maxSpoolBytes: number;
  logger: Logger;
  /** How often a half-open breaker is probed, in ms; none when undefined. */
  probeEveryMs?: number | undefined;
}

/** A spool key every store accepts, for the half-open probe and the health check. */
const PROBE_PREFIX = '_vitrina/';

/**
 * The configured store behind a breaker with a spool beside it (S3, with MAX_SPOOL_BYTES > 0),
 * or as it is (a local folder). `onStoreError` hears every failed call by kind (the
 * `s3 errors` metric).
 */
export function resilientStore(
  config: Pick<Config, 'storageDriver' | 'fallback' | 'databaseUrl' | 'dataDir'>,
  store: ObjectStore,
  deps: { db: Db; logger: Logger; onStoreError?: ((kind: string) => void) | undefined },
): ResilientStore {
  const { fallback } = config;
  if (config.storageDriver !== 's3') return new ResilientStore({ primary: store, maxSpoolBytes: 0, logger: deps.logger });
  const breaker = new CircuitBreaker({ failureThreshold: fallback.breakerFailures, openMs: fallback.breakerOpenMs });
  breaker.onChange((state) => {
    if (state === 'open')
      deps.logger.error({ event: 'breaker-open', store: store.location }, 'the object store is failing: uploads go to the fallback spool');
    else if (state === 'closed') deps.logger.info({ event: 'breaker-closed', store: store.location }, 'the object store answers again');
  });
  return new ResilientStore({
    primary: new Store(store.backend, breakerHook(breaker, store.location, deps.onStoreError)),
    breaker,
    spool: fallback.maxSpoolBytes > 0 ? fallbackSpool(config, deps.db) : undefined,
    maxSpoolBytes: fallback.maxSpoolBytes,
    logger: deps.logger,
    // S3's return is noticed within a second or so, in every process, even when nothing else calls it.
    probeEveryMs: Math.min(Math.max(fallback.breakerOpenMs / 2, 250), 5000),
  });
}

export class ResilientStore {
  /** The object store (behind the breaker, with S3). */
  readonly primary: ObjectStore;
  /** The fallback spool's store, when there is one. */
  readonly spool: ObjectStore | undefined;
  /**
   * The store whose objects the app itself serves through signed `/media/…` URLs (one that
   * cannot presign a GET): the local folder, or the spool in front of S3.
   */
  readonly appServed: ObjectStore | undefined;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly prober: NodeJS.Timeout | undefined;

  constructor(private readonly parts: ResilientStoreParts) {
    this.primary = parts.primary;
    this.spool = parts.spool?.store;
    this.breaker = parts.breaker;
    this.appServed = [this.primary, this.spool].find((s) => s !== undefined && !s.capabilities.presignedGet);
    const breaker = parts.breaker;
    if (breaker !== undefined && parts.probeEveryMs !== undefined) {
      this.prober = setInterval(() => {
        if (breaker.state === 'half-open') void this.primary.list(PROBE_PREFIX, { limit: 1 }).catch(() => undefined);
      }, parts.probeEveryMs);
      this.prober.unref();
    }
  }

  /** The breaker's state; undefined without one (a local folder). */
  get breakerState(): BreakerState | undefined {
    return this.breaker?.state;
  }

  /** True while the breaker is open: calls to the store fail at once, new objects go to the spool. */
  get failing(): boolean {
    return this.breaker?.state === 'open';
  }

  /** True while the object store is failing and new objects go to the spool. */
  get degraded(): boolean {
    return this.spool !== undefined && this.breaker !== undefined && this.breaker.state !== 'closed';
  }

  storeFor(location: AssetLocation): ObjectStore {
    return location === 'spool' && this.spool !== undefined ? this.spool : this.primary;
  }

  /** Every store an object may be in (what a purge must clean). */
  get all(): ObjectStore[] {
    return this.spool === undefined ? [this.primary] : [this.primary, this.spool];
  }

  /** Where a new object goes if put now. */
  writableLocation(): AssetLocation {
    return this.spool !== undefined && this.failing ? 'spool' : 'store';
  }

  /**
   * Puts to the object store, or to the spool when the store is failing.
   * @throws AppError Unavailable when the store is failing and the spool is full (or there is none)
   */
  async put(key: string, body: Uint8Array, options: PutOptions): Promise<{ location: AssetLocation; result: PutResult }> {
    if (this.writableLocation() === 'store') {
      try {
        return { location: 'store', result: await this.primary.put(key, body, options) };
      } catch (err) {
        if (this.spool === undefined || !isOutage(err)) throw err;
        this.parts.logger.warn(
          { event: 'store-failed', key, err: (err as Error).message },
          'the object store failed; using the fallback spool',
        );
      }
    }
    return { location: 'spool', result: await this.putSpool(key, body, options) };
  }

  /** Puts into the spool, within its cap. */
  async putSpool(key: string, body: Uint8Array, options: PutOptions): Promise<PutResult> {
    const spool = this.parts.spool;
    if (spool === undefined) throw unavailable('the object store is unreachable');
    if ((await spool.usedBytes()) + body.byteLength > this.parts.maxSpoolBytes) {
      this.parts.logger.error(
        { event: 'spool-full', key, maxBytes: this.parts.maxSpoolBytes },
        'the fallback spool is full; upload refused',
      );
      throw unavailable('the object store is unreachable and the fallback spool is full');
    }
    return spool.store.put(key, body, options);
  }

  /** Bytes the spool holds (0 without one). */
  async spoolUsedBytes(): Promise<number> {
    return (await this.parts.spool?.usedBytes()) ?? 0;
  }

  /** Whether the object store answers now, and what happens to uploads when it does not. */
  async health(signal?: AbortSignal): Promise<StorageHealth> {
    const health: StorageHealth = { ok: true, canFallBack: this.spool !== undefined };
    try {
      await this.primary.list(PROBE_PREFIX, { limit: 1, signal });
    } catch (err) {
      health.ok = false;
      health.error = isStorageError(err) ? err.message : 'storage check failed';
    }
    if (this.breaker !== undefined) health.breaker = this.breaker.state;
    return health;
  }

  /** Stops the probes and closes the stores. */
  async close(): Promise<void> {
    clearInterval(this.prober);
    await this.primary.close();
    await this.spool?.close();
  }
}

function unavailable(why: string): AppError {
  return new AppError('Unavailable', `Images cannot be stored right now (${why}). Try again in a few minutes.`);
}
