/**
 * Where uploads wait while the object store is failing: the database when several instances
 * share PostgreSQL (every instance reads it), a folder under DATA_DIR for one embedded
 * instance. Either is an ordinary `Store` over its driver; what the spool adds is how much it
 * holds, for its size cap and /metrics.
 *
 * @example
 *   const spool = fallbackSpool(config, db);
 *   if ((await spool.usedBytes()) + bytes.length > config.fallback.maxSpoolBytes) refuse();
 *   await spool.store.put(key, bytes, { contentType });
 */
import path from 'node:path';
import type { Config } from '../../config.js';
import type { Db } from '../../db/schema.js';
import { LocalDriver } from '../local/local-driver.js';
import type { ObjectStore } from '../object-store.js';
import { DatabaseSpoolDriver } from '../spool/database-spool-driver.js';
import { Store } from '../store.js';

/** A store for the fallback, and how much it holds. */
export interface Spool {
  readonly store: ObjectStore;
  usedBytes(): Promise<number>;
}

/** A folder spool's size is summed from a listing: at most this often. */
const FOLDER_SIZE_CACHE_MS = 1000;

/** The database with PostgreSQL (DATABASE_URL); a folder `DATA_DIR/spool` on the embedded database. */
export function fallbackSpool(config: Pick<Config, 'databaseUrl' | 'dataDir'>, db: Db): Spool {
  if (config.databaseUrl !== undefined) {
    const driver = new DatabaseSpoolDriver({ db });
    return { store: new Store(driver), usedBytes: () => driver.usedBytes() };
  }
  return folderSpool(new Store(new LocalDriver({ root: path.join(config.dataDir, 'spool') })));
}

/** A spool in a local folder (one embedded instance): its size is summed from a listing, at most once a second. */
export function folderSpool(store: ObjectStore, now: () => number = Date.now): Spool {
  let cached: { bytes: number; at: number } | undefined;
  return {
    store,
    async usedBytes() {
      if (cached !== undefined && now() - cached.at < FOLDER_SIZE_CACHE_MS) return cached.bytes;
      let bytes = 0;
      for await (const object of store.listAll('')) bytes += object.size;
      cached = { bytes, at: now() };
      return bytes;
    },
  };
}
