/**
 * A running Vitrina instance's parts, wired once: the app context (config, logger, secret,
 * object store) plus the database, the S3 outage fallback (circuit breaker and spool), the
 * background workers, the metrics and the catalog's dependencies. `vitrina serve` and the
 * tests build one; nothing in it is global.
 *
 * @example
 *   const runtime = await startRuntime(config, logger);
 *   const app = await buildApp(runtime);
 *   …
 *   await app.close(); await runtime.close();
 */
import path from 'node:path';
import type { AppContext } from './app-context.js';
import { createAppContext } from './app-context.js';
import type { CatalogDeps } from './catalog/catalog.service.js';
import type { Config } from './config.js';
import { createDatabase, type DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { AssetLocation, Db } from './db/schema.js';
import { IdleGate } from './jobs/idle-gate.js';
import { JobRunner } from './jobs/job-runner.js';
import { PROCESS_WORKER, processWorker, type ProcessWorker } from './jobs/process-images.js';
import { purgeBacklog } from './jobs/purge-queue.repository.js';
import { PURGE_WORKER, purgeWorker } from './jobs/purge-worker.js';
import { REPLICATE_WORKER, replicateWorker } from './jobs/replicate-spool.js';
import { RequestActivity } from './jobs/request-activity.js';
import type { Logger } from './logger.js';
import { processingBacklog, spoolBacklog } from './media/assets.repository.js';
import { Semaphore } from './media/semaphore.js';
import { Metrics, type CounterEvent } from './metrics.js';
import { BreakerStore } from './storage/fallback/breaker-store.js';
import { CircuitBreaker } from './storage/fallback/circuit-breaker.js';
import { FallbackStores, folderSpool, type Spool } from './storage/fallback/fallback-stores.js';
import { initStorage } from './storage/init-storage.js';
import { LocalObjectStore } from './storage/local/local-object-store.js';
import type { ObjectStore } from './storage/object-store.js';
import { DatabaseSpoolStore } from './storage/spool/database-spool-store.js';

export interface Runtime extends AppContext {
  readonly database: DatabaseHandle;
  readonly db: Db;
  /** The object store (behind the circuit breaker) and the fallback spool. */
  readonly stores: FallbackStores;
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
  /** Stops the workers, then closes the database and the store. */
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
  /** Use this store instead of the configured one; it is closed by close(). */
  store?: ObjectStore | undefined;
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
  const ctx = await createAppContext(config, logger, options.store);
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
  } catch (err) {
    await database?.close();
    await ctx.store.close();
    throw err;
  }
  const db = database.db;

  // S3 goes behind a breaker with a spool beside it; the local driver needs neither.
  const s3 = ctx.store.driver === 's3';
  const breaker = s3
    ? new CircuitBreaker({ failureThreshold: config.fallback.breakerFailures, openMs: config.fallback.breakerOpenMs })
    : undefined;
  let metrics: Metrics | undefined;
  const primary = breaker === undefined ? ctx.store : new BreakerStore(ctx.store, breaker, (kind) => metrics?.count('s3Errors', { kind }));
  const spool = s3 && config.fallback.maxSpoolBytes > 0 ? makeSpool(config, ctx.secret, db) : undefined;
  const stores = new FallbackStores({ primary, spool, breaker, maxSpoolBytes: config.fallback.maxSpoolBytes, logger });
  breaker?.onChange((state) => {
    if (state === 'open')
      logger.error({ event: 'breaker-open', store: ctx.store.location }, 'the object store is failing: uploads go to the fallback spool');
    else if (state === 'closed') logger.info({ event: 'breaker-closed', store: ctx.store.location }, 'the object store answers again');
  });
  metrics = new Metrics(
    {
      breakerState: () => (breaker === undefined ? undefined : BREAKER_STATE[breaker.state]),
      spoolBacklog: async () => ({ assets: await spoolBacklog(db), bytes: (await spool?.usedBytes()) ?? 0 }),
      purgeBacklog: () => purgeBacklog(db),
      processingBacklog: () => processingBacklog(db),
    },
    options.forwardMetrics,
  );
  // Once the breaker lets a probe through, probe: S3's return is noticed within a second or
  // so, in every process, even when nothing else calls S3 (and the metric tells the truth).
  const prober =
    breaker === undefined
      ? undefined
      : setInterval(
          () => {
            if (breaker.state === 'half-open') void primary.list('_vitrina/', { limit: 1 }).catch(() => undefined);
          },
          Math.min(Math.max(config.fallback.breakerOpenMs / 2, 250), 5000),
        );
  prober?.unref();
  const m = metrics;

  let jobs: JobRunner | undefined;
  const remote = options.remoteWorkers;
  const kick = (worker: string) => (remote !== undefined ? remote.kick(worker) : jobs?.kick(worker));
  const onPurgeQueued = () => kick(PURGE_WORKER);
  const onStored = (location: AssetLocation, bytes: number) => m.count('storedBytes', { location }, bytes);
  const idleGate = new IdleGate(MAX_PROCESSING_DEFER_MS);
  if (options.startBusy) idleGate.setBusy(true);
  const activity = new RequestActivity({ quietMs: LULL_MS, stallMs: STALL_MS }, (busy) =>
    remote !== undefined ? remote.busy(busy) : idleGate.setBusy(busy),
  );
  const processing = processWorker({
    db,
    logger,
    media: config.media,
    stores,
    decodeSlots: new Semaphore(config.media.workers),
    idleGate,
    onPurgeQueued,
    onStored,
    onProcessed: (outcome) => {
      m.count('images', { outcome });
      // A processed spooled image may be replicated at once if the store is back.
      kick(REPLICATE_WORKER);
    },
  });
  const workers = [processing, purgeWorker({ db, stores: stores.all, logger, onPurged: (outcome) => m.count('purged', { outcome }) })];
  if (spool !== undefined) workers.push(replicateWorker({ db, stores, logger, onReplicated: () => m.count('replicated') }));
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
        if (activity.inFlight <= 1) (remote ?? processing).hold(assetId, bytes);
        kick(PROCESS_WORKER);
      });
    },
    onPurgeQueued,
    onStored: (location, bytes) => {
      m.count('uploads', { outcome: location === 'spool' ? 'spooled' : 'stored' });
      onStored(location, bytes);
    },
  };
  if (options.jobs ?? config.jobs === 'inline') jobs.start();

  const handle = database;
  const runner = jobs;
  return {
    ...ctx,
    store: primary,
    appServed: ctx.appServed ?? spool?.store,
    database: handle,
    db,
    stores,
    jobs: runner,
    processing,
    catalog,
    metrics: m,
    activity,
    idleGate,
    storeFor: (location) => stores.storeFor(location),
    async close() {
      clearInterval(prober);
      // Work waiting for a lull must not hold up the stop.
      idleGate.setBusy(false);
      await runner.stop();
      await handle.close();
      await ctx.store.close();
    },
  };
}

/** The database when several instances share PostgreSQL; a local folder for one embedded instance. */
function makeSpool(config: Config, secret: string, db: Db): Spool {
  if (config.databaseUrl !== undefined) {
    const store = new DatabaseSpoolStore({ db, baseUrl: config.appUrl, secret, signedUrlTtl: config.signedUrlTtl });
    return { store, usedBytes: () => store.usedBytes() };
  }
  return folderSpool(
    new LocalObjectStore({ root: path.join(config.dataDir, 'spool'), baseUrl: config.appUrl, secret, signedUrlTtl: config.signedUrlTtl }),
  );
}
