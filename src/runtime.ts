/**
 * A running Vitrina instance's parts, wired once: the app context (config, logger, secret,
 * object store, delivery URLs) plus the database, the resilient store (S3 behind a circuit
 * breaker with a spool beside it), the background workers, the metrics and the catalog's
 * dependencies. `vitrina serve` and the tests build one; nothing in it is global.
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
import { processingBacklog, spoolBacklog } from './jobs/asset-claims.repository.js';
import { IdleGate } from './jobs/idle-gate.js';
import { JobRunner } from './jobs/job-runner.js';
import { PROCESS_WORKER, processWorker, type ProcessWorker } from './jobs/process-images.js';
import { purgeBacklog } from './jobs/purge-queue.repository.js';
import { PURGE_WORKER, purgeWorker } from './jobs/purge-worker.js';
import { trashExpiryWorker } from './jobs/trash-expiry.js';
import { REPLICATE_WORKER, replicateWorker } from './jobs/replicate-spool.js';
import { RequestActivity } from './jobs/request-activity.js';
import type { Logger } from './logger.js';
import { Semaphore } from './media/semaphore.js';
import { Metrics, type CounterEvent } from './metrics.js';
import { resilientStore, type ResilientStore } from './storage/fallback/resilient-store.js';
import { initStorage } from './storage/init-storage.js';
import type { ObjectStore } from './storage/object-store.js';

export interface Runtime extends AppContext {
  readonly database: DatabaseHandle;
  readonly db: Db;
  /** The object store (behind the circuit breaker, with S3) and the fallback spool. */
  readonly stores: ResilientStore;
  readonly jobs: JobRunner;
  readonly processing: ProcessWorker;
  readonly catalog: CatalogDeps;
  readonly metrics: Metrics;
  /** The web server reports its requests here (http/app.ts); image processing waits for its lulls. */
  readonly activity: RequestActivity;
  /** Where image processing waits for a lull; a parent `vitrina serve` opens and closes it over IPC. */
  readonly idleGate: IdleGate;
  /** The store an asset's objects are in, by where its row says they are. */
  storeFor(location: AssetLocation): ObjectStore;
  /** Stops the workers, then closes the database and the stores. */
  close(): Promise<void>;
}

/** How a web process reaches workers that run elsewhere. */
export interface RemoteWorkers {
  /** New work for `worker` was committed. */
  kick(worker: string): void;
  /** The bytes of an upload just committed, so processing need not read them back from the store. */
  hold(assetId: string, bytes: Buffer): void;
  /** The web server is busy with requests (true) or has had a lull (false): see jobs/idle-gate.ts. */
  busy(busy: boolean): void;
}

export interface RuntimeOptions {
  /** Use this database (tests) instead of opening the configured one; it is closed by close(). */
  database?: DatabaseHandle | undefined;
  /** Start the background workers here (default: JOBS=inline). One-shot commands pass false. */
  jobs?: boolean | undefined;
  /** The workers, when they run in another process (JOBS=process): told of new work, handed uploads. */
  remoteWorkers?: RemoteWorkers | undefined;
  /** Create the bucket on start (default: the STORAGE_AUTO_INIT setting). */
  initStorage?: boolean | undefined;
  /** Send every counter increment here too (a worker process, to its web process). */
  forwardMetrics?: ((event: CounterEvent) => void) | undefined;
  /**
   * Image processing starts out waiting for a lull (a worker process under `vitrina serve`,
   * until its parent says where the server is: what it said before the child listened is lost).
   */
  startBusy?: boolean | undefined;
}

const BREAKER_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;
/** No busy request for this long is a lull: an upload's redirect is followed well within it. */
const LULL_MS = 50;
/** A request whose client has moved no byte for this long, while the server waits on it, is not busy. */
const STALL_MS = 500;
/** Image processing waits at most this long for a lull before it goes ahead anyway. */
const MAX_PROCESSING_DEFER_MS = 10_000;

export async function startRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const ctx = await createAppContext(config, logger);
  const database = await prepare(ctx, options);
  const db = database.db;
  const stores = resilientStore(config, ctx.store, { db, logger, onStoreError: (kind) => metrics.count('s3Errors', { kind }) });
  const metrics = new Metrics(
    {
      breakerState: () => (stores.breakerState === undefined ? undefined : BREAKER_STATE[stores.breakerState]),
      spoolBacklog: async () => ({ assets: await spoolBacklog(db), bytes: await stores.spoolUsedBytes() }),
      purgeBacklog: () => purgeBacklog(db),
      processingBacklog: () => processingBacklog(db),
    },
    options.forwardMetrics,
  );
  const idleGate = new IdleGate(MAX_PROCESSING_DEFER_MS);
  if (options.startBusy) idleGate.setBusy(true);
  const remote = options.remoteWorkers;
  const activity = new RequestActivity({ quietMs: LULL_MS, stallMs: STALL_MS }, (busy) =>
    remote !== undefined ? remote.busy(busy) : idleGate.setBusy(busy),
  );
  const { jobs, processing, catalog } = wireWork({ config, logger, db, stores, metrics, idleGate, activity, remote });
  if (options.jobs ?? config.jobs === 'inline') jobs.start();

  return {
    ...ctx,
    store: stores.primary,
    appServed: stores.appServed,
    database,
    db,
    stores,
    jobs,
    processing,
    catalog,
    metrics,
    activity,
    idleGate,
    storeFor: (location) => stores.storeFor(location),
    async close() {
      // Work waiting for a lull must not hold up the stop.
      idleGate.setBusy(false);
      await jobs.stop();
      await database.close();
      await stores.close();
    },
  };
}

/** Opens and migrates the database and creates the bucket when asked; on failure nothing is left open. */
async function prepare(ctx: AppContext, options: RuntimeOptions): Promise<DatabaseHandle> {
  const { config, logger } = ctx;
  let database: DatabaseHandle | undefined;
  try {
    database = options.database ?? (await createDatabase(config));
    const migrated = await migrateToLatest(database.db);
    if (migrated.length > 0) logger.info({ migrations: migrated }, 'database migrated');
    if (options.initStorage ?? config.storageAutoInit) {
      const outcome = await initStorage(config, ctx.store, { logger });
      for (const message of outcome.messages) logger.info({ event: 'storage-init' }, message);
      if (outcome.manualPolicy !== undefined)
        logger.warn({ event: 'storage-init', policy: JSON.parse(outcome.manualPolicy) as unknown }, 'apply this bucket policy by hand');
    }
    return database;
  } catch (err) {
    await database?.close();
    await ctx.store.close();
    throw err;
  }
}

interface WorkParts {
  config: Config;
  logger: Logger;
  db: Db;
  stores: ResilientStore;
  metrics: Metrics;
  idleGate: IdleGate;
  activity: RequestActivity;
  remote: RemoteWorkers | undefined;
}

/** The background workers, and the catalog's hooks that hand them new work (here, or over IPC). */
function wireWork(parts: WorkParts): { jobs: JobRunner; processing: ProcessWorker; catalog: CatalogDeps } {
  const { config, logger, db, stores, metrics: m, remote } = parts;
  let jobs: JobRunner | undefined;
  const kick = (worker: string) => (remote !== undefined ? remote.kick(worker) : jobs?.kick(worker));
  const onPurgeQueued = () => kick(PURGE_WORKER);
  const onStored = (location: AssetLocation, bytes: number) => m.count('storedBytes', { location }, bytes);
  const processing = processWorker({
    db,
    logger,
    media: config.media,
    stores,
    decodeSlots: new Semaphore(config.media.workers),
    idleGate: parts.idleGate,
    onPurgeQueued,
    onStored,
    onProcessed: (outcome) => {
      m.count('images', { outcome });
      // A processed spooled image may be replicated at once if the store is back.
      kick(REPLICATE_WORKER);
    },
  });
  const workers = [processing, purgeWorker({ db, stores: stores.all, logger, onPurged: (outcome) => m.count('purged', { outcome }) })];
  workers.push(trashExpiryWorker({ db, onPurgeQueued }));
  if (stores.spool !== undefined) workers.push(replicateWorker({ db, stores, logger, onReplicated: () => m.count('replicated') }));
  jobs = new JobRunner(workers, logger);
  const catalog: CatalogDeps = {
    db,
    stores,
    logger,
    media: config.media,
    onImageQueued(assetId, bytes) {
      // After the response has gone: handing 1 MiB to the worker process costs a millisecond or
      // two. While other requests are in flight it is not worth it: processing waits for the
      // lull anyway, and then reads the upload back from the store.
      setImmediate(() => {
        // A pending upload (no bytes here) is read from the store.
        if (bytes !== undefined && parts.activity.inFlight <= 1) (remote ?? processing).hold(assetId, bytes);
        kick(PROCESS_WORKER);
      });
    },
    onPurgeQueued,
    onStored: (location, bytes) => {
      m.count('uploads', { outcome: location === 'spool' ? 'spooled' : 'stored' });
      onStored(location, bytes);
    },
  };
  return { jobs, processing, catalog };
}
