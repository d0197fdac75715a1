import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { LocalObjectStore } from './local/local-object-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3/s3-object-store.js';

/** Folder of the local driver's objects inside DATA_DIR. */
export function localStoreRoot(config: Config): string {
  return path.join(config.dataDir, 'objects');
}

/** The configured store: S3 (AWS or a custom endpoint) or a folder under DATA_DIR. */
export function createObjectStore(config: Config, secret: string, logger: Logger): ObjectStore {
  if (config.storageDriver === 's3') {
    return new S3ObjectStore({ s3: config.s3, signedUrlTtl: config.signedUrlTtl, logger });
  }
  return new LocalObjectStore({
    root: localStoreRoot(config),
    baseUrl: config.appUrl,
    secret,
    signedUrlTtl: config.signedUrlTtl,
  });
}
