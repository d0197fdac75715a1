import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { LocalDriver } from './local/local-driver.js';
import { S3Driver } from './s3/s3-driver.js';
import { Store } from './store.js';

/** Folder of the local driver's objects inside DATA_DIR. */
export function localStoreRoot(config: Config): string {
  return path.join(config.dataDir, 'objects');
}

/** The configured store: S3 (AWS or a custom endpoint) or a folder under DATA_DIR. */
export function createObjectStore(config: Config, logger: Logger): Store {
  if (config.storageDriver === 's3') return new Store(new S3Driver({ s3: config.s3, logger }));
  return new Store(new LocalDriver({ root: localStoreRoot(config) }));
}
