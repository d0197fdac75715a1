/**
 * One end of a storage migration as plain data: what a worker thread needs to open the same
 * store the main thread has. A `Store` (sockets, file handles, a driver object) cannot cross a
 * thread boundary; its description can (structured clone), and each thread opens its own.
 *
 * @example
 *   const ends = { source: { kind: 'local', root: '/data/objects' }, destination: { kind: 's3', s3: config.s3 } };
 *   const store = openStore(ends.destination); // in the main thread, and again in each worker
 */
import type { S3Config } from '../../config.js';
import { LocalDriver } from '../local/local-driver.js';
import { S3Driver } from '../s3/s3-driver.js';
import { Store } from '../store.js';

export type StoreDescription = { kind: 'local'; root: string } | { kind: 's3'; s3: S3Config };

/** Both ends of a migration. */
export interface MigrationEnds {
  source: StoreDescription;
  destination: StoreDescription;
}

/** A store over the described driver (nothing is contacted yet). */
export function openStore(description: StoreDescription): Store {
  if (description.kind === 'local') return new Store(new LocalDriver({ root: description.root }));
  return new Store(new S3Driver({ s3: description.s3 }));
}
