/**
 * What a running Vitrina process is made of, built once at start-up and passed down:
 * the frozen config, the logger, the HMAC secret, the object store and the URLs its objects
 * are delivered under.
 *
 * @example
 *   const ctx = await createAppContext(config, logger);
 *   const url = await ctx.delivery.signedUrl(ctx.store, key, { expiresIn: 300 });
 */
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { resolveSecretKey } from './secret.js';
import { createObjectStore } from './storage/create-store.js';
import { DeliveryUrls } from './storage/delivery-urls.js';
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
  readonly appServed: ObjectStore | undefined;
  /** Public, presigned and app-served URLs for any store's objects, and the checks of the app's own. */
  readonly delivery: DeliveryUrls;
}

/** @param store a store to use instead of the configured one (tests). */
export async function createAppContext(config: Config, logger: Logger, store?: ObjectStore): Promise<AppContext> {
  const secret = await resolveSecretKey(config);
  store ??= createObjectStore(config, logger);
  const delivery = new DeliveryUrls({
    appUrl: config.appUrl,
    secret,
    signedUrlTtl: config.signedUrlTtl,
    publicBaseUrl: config.s3.publicUrl,
  });
  // A store that cannot presign a GET has its objects served by the app.
  return { config, logger, secret, store, appServed: store.capabilities.presignedGet ? undefined : store, delivery };
}
