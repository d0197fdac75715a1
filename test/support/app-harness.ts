/**
 * A whole Vitrina instance for HTTP tests, on one of the two stacks the product runs on:
 *
 * - `postgres+s3`: a fresh PostgreSQL database and a fresh bucket on the test RGW;
 * - `pglite+local`: an in-memory PGlite and a local store in a temp DATA_DIR.
 *
 * Background workers are not started: a test calls `drain()` to run the processing and
 * purge workers until nothing is left, so what it asserts does not depend on timing.
 * `raw` inspects the store without going through the app (raw SDK, or the filesystem).
 *
 * @example
 *   const t = await startTestApp('pglite+local');
 *   const res = await t.app.inject({ method: 'GET', url: '/healthz' });
 *   await t.drain();
 *   await t.close();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import type { RawInspector } from '../storage/raw-inspector.js';
import { localRawInspector } from '../storage/local-raw-inspector.js';
import { createS3RawInspector } from '../storage/s3-raw-inspector.js';
import { destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { freePort } from '../../src/free-port.js';

export type Stack = 'postgres+s3' | 'pglite+local';
export const STACKS: readonly Stack[] = ['postgres+s3', 'pglite+local'];

export interface TestApp {
  readonly stack: Stack;
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly config: Config;
  readonly database: TestDatabase;
  readonly raw: RawInspector;
  /** http://127.0.0.1:PORT when started with `listen`. */
  readonly baseUrl: string | undefined;
  /** Runs the background workers until none finds work; returns how many items were handled. */
  drain(): Promise<number>;
  /** Stops the app, drops the database and the bucket (or the temp folder). */
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment for loadConfig (e.g. MAX_UPLOAD_SIZE). */
  env?: Record<string, string | undefined>;
  /** Reuse this database (a second "instance" on the same data); it is then not dropped by close(). */
  database?: TestDatabase;
  /** Reuse this bucket / DATA_DIR (a second instance); not removed by close(). */
  shareStorageWith?: TestApp;
  logger?: Logger;
  /** Listen on a free loopback port (APP_URL set to it) with the background workers running, for a browser. */
  listen?: boolean;
  /** The clock of sessions and log-in throttling (buildApp's `now`), to move instead of waiting. */
  now?: () => number;
}

export async function startTestApp(stack: Stack, options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.shareStorageWith;
  const dataDir = shared?.config.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'vitrina-app-')));
  const port = options.listen ? await freePort() : undefined;
  const env: Record<string, string | undefined> = {
    DATA_DIR: dataDir,
    SECRET_KEY: 'test-secret-key-for-vitrina-tests-0123456789',
    JOBS: options.listen ? 'true' : 'false',
    LOG_LEVEL: 'silent',
    // scrypt at N=2^14 instead of 2^17: the suite signs up and logs in hundreds of times.
    PASSWORD_HASH_COST: '14',
    // Every test client signs up from 127.0.0.1; the sign-up throttle has tests of its own.
    SIGNUPS_PER_HOUR: '10000',
    ...(port === undefined ? {} : { PORT: String(port), HOST: '127.0.0.1' }),
  };
  if (stack === 'postgres+s3') {
    const s3 = testS3Config();
    Object.assign(env, {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_ACCESS_KEY: s3.accessKeyId,
      S3_SECRET_KEY: s3.secretAccessKey,
      S3_BUCKET: shared?.config.s3.bucket ?? uniqueBucketName('app'),
    });
  } else {
    env.STORAGE_DRIVER = 'local';
  }
  const database = options.database ?? (await createTestDatabase(stack === 'postgres+s3' ? 'postgres' : 'pglite'));
  // As in production: PostgreSQL is named by DATABASE_URL (which also puts the spool there).
  if (database.url !== undefined) env.DATABASE_URL = database.url;
  // The test's own settings win (e.g. an S3_ENDPOINT of its own for fault tests).
  Object.assign(env, options.env);
  const config = loadConfig(env);
  // The runtime closes the handle it is given; a shared database must outlive this instance.
  const handle = options.database === undefined ? database : { ...database, close: async () => {} };
  const runtime = await startRuntime(config, options.logger ?? silentLogger, { database: handle });
  const app = await buildApp(runtime, { now: options.now });
  if (port !== undefined) await app.listen({ port, host: '127.0.0.1' });
  const admin = stack === 'postgres+s3' ? rawS3Client(config.s3) : undefined;
  const raw = admin !== undefined ? createS3RawInspector(admin, config.s3.bucket) : localRawInspector(path.join(dataDir, 'objects'));
  return {
    stack,
    app,
    runtime,
    config,
    database,
    raw,
    baseUrl: port === undefined ? undefined : config.appUrl,
    drain: () => runtime.jobs.drain(),
    async close() {
      await app.close();
      await runtime.close();
      if (options.database === undefined) await database.cleanup();
      if (shared === undefined) {
        if (admin !== undefined) await destroyBucket(admin, config.s3.bucket).catch(() => undefined);
        await rm(dataDir, { recursive: true, force: true });
      }
      admin?.destroy();
    },
  };
}
