/**
 * What a running Vitrina process is made of, built once at start-up and passed down:
 * the frozen config, the logger, the HMAC secret and the object store.
 */
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { resolveSecretKey } from './secret.js';
import { createObjectStore } from './storage/create-store.js';
import type { ObjectStore } from './storage/object-store.js';

export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly secret: string;
  readonly store: ObjectStore;
  /**
   * The store whose objects the app itself serves through signed `/media/…` URLs: the local
   * driver's folder, or the fallback spool in front of S3. Undefined when S3 serves everything.
   */
  readonly appServed?: ObjectStore | undefined;
}

/** @param store a store to use instead of the configured one (tests). */
export async function createAppContext(config: Config, logger: Logger, store?: ObjectStore): Promise<AppContext> {
  const secret = await resolveSecretKey(config);
  store ??= createObjectStore(config, secret, logger);
  return { config, logger, secret, store, appServed: store.driver === 'local' ? store : undefined };
}
