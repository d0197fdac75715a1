/**
 * A local-folder store (`new Store(new LocalDriver({ root }))`) in a fresh temp folder with the
 * app's two media routes listening on 127.0.0.1, so its app-served links and upload forms (made
 * by `delivery`) can be fetched for real.
 *
 * @example
 *   const h = await startLocalHarness({ now: () => clock });
 *   await h.store.put(key, bytes, { contentType: 'image/jpeg' });
 *   const res = await fetch(await h.delivery.signedUrl(h.store, key));
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { AppError } from '../../src/errors.js';
import mediaGet from '../../src/http/routes/media-get.js';
import mediaUpload from '../../src/http/routes/media-upload.js';
import { DeliveryUrls } from '../../src/storage/delivery-urls.js';
import { LocalDriver } from '../../src/storage/local/local-driver.js';
import { Store } from '../../src/storage/store.js';

export interface LocalHarness {
  /** The folder holding the store (root/objects, root/meta, root/tmp). */
  root: string;
  /** A parent folder made for this harness only: nothing may appear here but `root`. */
  sandbox: string;
  secret: string;
  baseUrl: string;
  store: Store;
  /** Makes links and forms pointing at this server, signed with `secret`, on the harness's clock. */
  delivery: DeliveryUrls;
  app: FastifyInstance;
  cleanup(): Promise<void>;
}

export interface LocalHarnessOptions {
  /** The clock both signing and checking use (default `Date.now`): move it instead of waiting. */
  now?: () => number;
}

export async function startLocalHarness(options: LocalHarnessOptions = {}): Promise<LocalHarness> {
  const sandbox = await mkdtemp(path.join(os.tmpdir(), 'vitrina-local-'));
  const root = path.join(sandbox, 'store');
  const secret = randomBytes(32).toString('hex');
  const now = options.now ?? Date.now;
  const store = new Store(new LocalDriver({ root }));
  // The routes only check links, which does not need the base URL the server gets on listening.
  const checking = new DeliveryUrls({ appUrl: 'http://unused.invalid', secret, signedUrlTtl: 60, now });
  const app = Fastify();
  // A minimal stand-in for the app's error handler: AppErrors carry their own status.
  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof AppError) return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply.status(status).send({ error: { code: 'Internal', message: (err as Error).message } });
  });
  const deps = { appServed: store, store, delivery: checking };
  await app.register(async (scope) => mediaGet(scope, deps));
  await app.register(async (scope) => mediaUpload(scope, deps));
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    root,
    sandbox,
    secret,
    baseUrl,
    store,
    delivery: new DeliveryUrls({ appUrl: baseUrl, secret, signedUrlTtl: 60, now }),
    app,
    async cleanup() {
      await app.close();
      await store.close();
      await rm(sandbox, { recursive: true, force: true });
    },
  };
}
