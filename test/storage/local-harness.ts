/**
 * A LocalObjectStore in a fresh temp folder with the app's two media routes listening on
 * 127.0.0.1, so its signed URLs and upload forms can be fetched for real.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../../src/app-context.js';
import { loadConfig } from '../../src/config.js';
import { AppError } from '../../src/errors.js';
import mediaGet from '../../src/http/routes/media-get.js';
import mediaUpload from '../../src/http/routes/media-upload.js';
import { silentLogger } from '../../src/logger.js';
import { LocalObjectStore } from '../../src/storage/local/local-object-store.js';

export interface LocalHarness {
  /** The folder holding the store (root/objects, root/meta, root/tmp). */
  root: string;
  /** A parent folder made for this harness only: nothing may appear here but `root`. */
  sandbox: string;
  secret: string;
  baseUrl: string;
  store: LocalObjectStore;
  app: FastifyInstance;
  cleanup(): Promise<void>;
}

export async function startLocalHarness(
  options: { publicBaseUrl?: string | undefined; readChunkSize?: number | undefined } = {},
): Promise<LocalHarness> {
  const sandbox = await mkdtemp(path.join(os.tmpdir(), 'vitrina-local-'));
  const root = path.join(sandbox, 'store');
  const secret = randomBytes(32).toString('hex');
  // The routes need a store before the server has a port; a second store on the same folder
  // (as a second process would be) serves them, the returned one knows the real base URL.
  const serving = new LocalObjectStore({ root, baseUrl: 'http://unused.invalid', secret, signedUrlTtl: 60 });
  const ctx: AppContext = { config: loadConfig({ DATA_DIR: sandbox }), logger: silentLogger, secret, store: serving, appServed: serving };
  const app = Fastify();
  // A minimal stand-in for the app's error handler: AppErrors carry their own status.
  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof AppError) return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply.status(status).send({ error: { code: 'Internal', message: (err as Error).message } });
  });
  for (const route of [mediaGet, mediaUpload]) await app.register(async (scope) => route(scope, ctx));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const store = new LocalObjectStore({
    root,
    baseUrl: address,
    secret,
    signedUrlTtl: 60,
    publicBaseUrl: options.publicBaseUrl,
    readChunkSize: options.readChunkSize,
  });
  return {
    root,
    sandbox,
    secret,
    baseUrl: address,
    store,
    app,
    async cleanup() {
      await app.close();
      await store.close();
      await rm(sandbox, { recursive: true, force: true });
    },
  };
}
