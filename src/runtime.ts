/**
 * A running Vitrina instance's parts, wired once: the app context (config, logger, secret,
 * object store) plus the database, the background workers and the catalog's dependencies.
 * `vitrina serve` and the tests build one; nothing in it is global.
 *
 * @example
 *   const runtime = await startRuntime(config, logger);
 *   const app = await buildApp(runtime);
 *   …
 *   await app.close(); await runtime.close();
 */
import type { AppContext } from './app-context.js';
import { createAppContext } from './app-context.js';
import type { CatalogDeps } from './catalog/catalog.service.js';
import type { Config } from './config.js';
import { createDatabase, type DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { AssetLocation, Db } from './db/schema.js';
import { JobRunner } from './jobs/job-runner.js';
import { PROCESS_WORKER, processWorker, type ProcessWorker } from './jobs/process-images.js';
import { PURGE_WORKER, purgeWorker } from './jobs/purge-worker.js';
import type { Logger } from './logger.js';
import { Semaphore } from './media/semaphore.js';
import { initStorage } from './storage/init-storage.js';
import type { ObjectStore } from './storage/object-store.js';

export interface Runtime extends AppContext {
  readonly database: DatabaseHandle;
  readonly db: Db;
  readonly jobs: JobRunner;
  readonly processing: ProcessWorker;
  readonly catalog: CatalogDeps;
  /** The store an asset's objects are in, by where its row says they are. */
  storeFor(location: AssetLocation): ObjectStore;
  /** Stops the workers, then closes the database and the store. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Use this database (tests) instead of opening the configured one; it is closed by close(). */
  database?: DatabaseHandle | undefined;
  /** Use this store instead of the configured one; it is closed by close(). */
  store?: ObjectStore | undefined;
}

export async function startRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const ctx = await createAppContext(config, logger, options.store);
  let database: DatabaseHandle | undefined;
  try {
    database = options.database ?? (await createDatabase(config));
    const migrated = await migrateToLatest(database.db);
    if (migrated.length > 0) logger.info({ migrations: migrated }, 'database migrated');
    if (config.storageAutoInit) {
      const outcome = await initStorage(config, ctx.store, { logger });
      for (const message of outcome.messages) logger.info({ event: 'storage-init' }, message);
      if (outcome.manualPolicy !== undefined) logger.warn({ event: 'storage-init', policy: JSON.parse(outcome.manualPolicy) as unknown }, 'apply this bucket policy by hand');
    }
  } catch (err) {
    await database?.close();
    await ctx.store.close();
    throw err;
  }

  const db = database.db;
  const storeFor = (_location: AssetLocation): ObjectStore => ctx.store;
  let jobs: JobRunner | undefined;
  const onPurgeQueued = () => jobs?.kick(PURGE_WORKER);
  const processing = processWorker({
    db,
    logger,
    media: config.media,
    storeFor,
    decodeSlots: new Semaphore(config.media.workers),
    onPurgeQueued,
  });
  jobs = new JobRunner([processing, purgeWorker({ db, stores: [ctx.store], logger })], logger);
  const catalog: CatalogDeps = {
    db,
    store: ctx.store,
    logger,
    media: config.media,
    onImageQueued(assetId, bytes) {
      processing.hold(assetId, bytes);
      jobs?.kick(PROCESS_WORKER);
    },
    onPurgeQueued,
  };
  if (config.jobs) jobs.start();

  const handle = database;
  return {
    ...ctx,
    database: handle,
    db,
    jobs,
    processing,
    catalog,
    storeFor,
    async close() {
      await jobs?.stop();
      await handle.close();
      await ctx.store.close();
    },
  };
}
