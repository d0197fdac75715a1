/**
 * "S3 first, the spool as the fallback", made safe for many instances: new objects go to the
 * object store; when it is failing (the breaker is open, or this very put hit an outage)
 * they go to the spool — the database (every instance reads it) or, for one embedded
 * instance, a local folder — and the replicator moves them to S3 once it answers again.
 * The spool has a size cap: past it an upload is refused (503) rather than filling a disk.
 *
 * An asset's row says where its objects are (`location`: store | spool); `storeFor` maps it.
 *
 * @example
 *   const { location, result } = await stores.put(key, bytes, { contentType: 'image/jpeg' });
 */
import type { AssetLocation } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ObjectStore, PutOptions, PutResult } from '../object-store.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { isOutage } from './outage.js';

/** A store for the fallback, and how much it holds. */
export interface Spool {
  readonly store: ObjectStore;
  usedBytes(): Promise<number>;
}

export interface FallbackStoresOptions {
  /** The object store (behind `breaker` when there is a spool). */
  primary: ObjectStore;
  spool?: Spool | undefined;
  breaker?: CircuitBreaker | undefined;
  /** Bytes the spool may hold. */
  maxSpoolBytes: number;
  logger: Logger;
}

export class FallbackStores {
  readonly primary: ObjectStore;
  readonly spool: Spool | undefined;
  readonly breaker: CircuitBreaker | undefined;

  constructor(private readonly options: FallbackStoresOptions) {
    this.primary = options.primary;
    this.spool = options.spool;
    this.breaker = options.breaker;
  }

  storeFor(location: AssetLocation): ObjectStore {
    return location === 'spool' && this.spool !== undefined ? this.spool.store : this.primary;
  }

  /** Every store an object may be in (what a purge must clean). */
  get all(): ObjectStore[] {
    return this.spool === undefined ? [this.primary] : [this.primary, this.spool.store];
  }

  /** True while the object store is failing and new objects go to the spool. */
  get degraded(): boolean {
    return this.spool !== undefined && this.breaker !== undefined && this.breaker.state !== 'closed';
  }

  /** Where a new object goes if put now. */
  writableLocation(): AssetLocation {
    return this.spool !== undefined && this.breaker?.state === 'open' ? 'spool' : 'store';
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
        this.options.logger.warn(
          { event: 'store-failed', key, err: (err as Error).message },
          'the object store failed; using the fallback spool',
        );
      }
    }
    return { location: 'spool', result: await this.putSpool(key, body, options) };
  }

  /** Puts into the spool, within its cap. */
  async putSpool(key: string, body: Uint8Array, options: PutOptions): Promise<PutResult> {
    const spool = this.spool;
    if (spool === undefined) throw unavailable('the object store is unreachable');
    if ((await spool.usedBytes()) + body.byteLength > this.options.maxSpoolBytes) {
      this.options.logger.error(
        { event: 'spool-full', key, maxBytes: this.options.maxSpoolBytes },
        'the fallback spool is full; upload refused',
      );
      throw unavailable('the object store is unreachable and the fallback spool is full');
    }
    return spool.store.put(key, body, options);
  }
}

function unavailable(why: string): AppError {
  return new AppError('Unavailable', `Images cannot be stored right now (${why}). Try again in a few minutes.`);
}

/** A spool in a local folder (one embedded instance): its size is summed from a listing, at most once a second. */
export function folderSpool(store: ObjectStore): Spool {
  let cached: { bytes: number; at: number } | undefined;
  return {
    store,
    async usedBytes() {
      if (cached !== undefined && Date.now() - cached.at < 1000) return cached.bytes;
      let bytes = 0;
      for await (const object of store.listAll('')) bytes += object.size;
      cached = { bytes, at: Date.now() };
      return bytes;
    },
  };
}
