/**
 * Moves every object of every asset from one store to another — local disk to S3, S3 to S3
 * (another provider or bucket), or S3 to local disk — keeping keys, content type and cache
 * headers. Rows hold keys, not URLs, so once the objects are at the destination, pointing the
 * app at it (STORAGE_DRIVER, S3_*) is the whole switch: no row is rewritten.
 *
 * - every copy is counted only once it is proven (migrate-object.ts): by default ('on-write')
 *   the destination proves it as it takes the put — it checks the sha256 the bytes are sent
 *   with (S3's signed payload hash, the local driver's own hash), or, on a store that does not,
 *   answers with their MD5 as its ETag — and a copy without such proof is read back; with
 *   'read-back' (the default with `deleteSource`: the source is about to go) every copy is read
 *   back from the destination and compared by size and sha256;
 * - each verified object is recorded in `storage_migration_objects` under the route
 *   (`source → destination`): a rerun after Ctrl-C, a crash or a network failure skips
 *   what is recorded and copies only the rest;
 * - at most `concurrency` objects are in flight; on abort no new object starts and those in
 *   flight are aborted and awaited, so the recorded progress is exact when this returns;
 * - given `ends` (the stores as data), the copies run in worker threads, one per core
 *   (storage/migration/copy-pool.ts): each reads, hashes and puts its share, and only the copy's
 *   size and hashes come back; this thread keeps the plan, the record, the read-backs, the
 *   source deletes and the report. Without `ends` (or with `workers: 0`, or a run of a few
 *   objects) the copies run here, through the very stores given;
 * - a dry run reads the database only: how many objects and bytes would be copied.
 *
 * @example
 *   const report = await migrateStorage({ db, source, destination, route }, { concurrency: 8, signal });
 *   report.failed;   // [{ key, reason: 'missing from the source (…)' }]
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Db } from '../../db/schema.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { inThreadCopier, type Copier, type ThreadTally } from '../../storage/migration/copier.js';
import { CopyPool } from '../../storage/migration/copy-pool.js';
import type { CheckMode } from '../../storage/migration/copy-verified.js';
import type { MigrationEnds } from '../../storage/migration/store-description.js';
import { eachBounded } from '../../each-bounded.js';
import { migrateObject, type ObjectOutcome, type WriteProof } from './migrate-object.js';
import { planPages, planTotals, type PlannedObject } from './migration-plan.js';
import { findMigrated, type MigratedObject } from './migration-progress.repository.js';
import { ProgressWriter } from './progress-writer.js';

export interface StorageMigrationDeps {
  db: Db;
  source: ObjectStore;
  destination: ObjectStore;
  /** Names the pair for the progress table, e.g. `local:/data/objects → s3:http://minio:9000/uploads`. */
  route: string;
  /** `source` and `destination` as data, for worker threads to open their own (the copies then run there). */
  ends?: MigrationEnds | undefined;
}

export interface StorageMigrationOptions {
  tenantId?: number | undefined;
  /** Objects copied at once (default 8), across all worker threads. */
  concurrency?: number | undefined;
  /**
   * Worker threads to copy in (needs `deps.ends`): by default one per core when more than
   * SMALL_RUN objects are planned; 0 copies in this thread.
   */
  workers?: number | undefined;
  dryRun?: boolean | undefined;
  /** Delete each source object once its copy is verified. */
  deleteSource?: boolean | undefined;
  /** Read objects verified by earlier runs back from the destination, and copy bad ones again. */
  verify?: boolean | undefined;
  /** How each new copy is checked (see copy-verified.ts): default 'on-write', 'read-back' with `deleteSource`. */
  check?: CheckMode | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each object (and once with the totals before the first). */
  onProgress?: ((progress: MigrationProgress) => void) | undefined;
}

export interface Tally {
  objects: number;
  bytes: number;
}

export interface MigrationProgress {
  total: Tally;
  /** Objects handled so far, whatever the outcome (the bar's position). */
  done: Tally;
  /** Objects copied by this run (the rate's basis). */
  copied: Tally;
  failed: number;
}

export interface FailedObject {
  key: string;
  tenantId: number;
  assetId: string;
  reason: string;
}

export interface MigrationReport {
  route: string;
  tenantId: number | undefined;
  dryRun: boolean;
  /** How new copies were checked. */
  check: CheckMode;
  /** With check 'on-write': what the destination proved each copy with (undefined on a dry run). */
  proof: WriteProof | undefined;
  /** Every object the assets reference in the source store. */
  planned: Tally;
  /** Copied and verified by this run (a dry run: would be copied). */
  migrated: Tally;
  /** Of `migrated`: objects copied again because the destination's copy was bad. */
  recopied: number;
  /** Of `migrated`: objects read back from the destination (all of them with check 'read-back'). */
  readBack: number;
  /** Verified by an earlier run, left as they are. */
  skipped: Tally;
  /** Gone from the source because the asset let go of them meanwhile (deleted, processed). */
  gone: number;
  /** Not in the source but already at the destination (e.g. uploaded there after the switch). */
  atDestination: number;
  /** Objects of assets in the fallback spool: the app's replicator moves them. */
  spooled: number;
  /** Source objects deleted (--delete-source); a dry run: would be deleted. */
  sourceDeleted: number;
  failed: FailedObject[];
  /** Aborted (Ctrl-C) before every object was handled: run again to go on. */
  interrupted: boolean;
  /** Why the run stopped early on its own (the destination kept failing). */
  stoppedBecause: string | undefined;
  /** The worker threads that made the copies, with how many each (empty: copied in this thread). */
  workerThreads: ThreadTally[];
  elapsedMs: number;
}

const DEFAULT_CONCURRENCY = 8;
/** The store, not the objects, is failing after this many failed requests in a row: stop. */
const MAX_STORE_FAILURES_IN_A_ROW = 25;
/** Up to this many objects are copied in this thread: starting workers (each loads the AWS SDK) would cost more than it saves. */
const SMALL_RUN = 32;

export async function migrateStorage(deps: StorageMigrationDeps, options: StorageMigrationOptions = {}): Promise<MigrationReport> {
  const started = performance.now();
  const { tenantId } = options;
  const totals = await planTotals(deps.db, { tenantId });
  const report: MigrationReport = {
    route: deps.route,
    tenantId,
    dryRun: options.dryRun === true,
    check: options.check ?? (options.deleteSource ? 'read-back' : 'on-write'),
    proof: undefined,
    planned: { objects: totals.objects, bytes: totals.bytes },
    migrated: { objects: 0, bytes: 0 },
    recopied: 0,
    readBack: 0,
    skipped: { objects: 0, bytes: 0 },
    gone: 0,
    atDestination: 0,
    spooled: totals.spooled,
    sourceDeleted: 0,
    failed: [],
    interrupted: false,
    stoppedBecause: undefined,
    workerThreads: [],
    elapsedMs: 0,
  };
  if (options.dryRun) {
    await dryRun(deps, options, report);
  } else {
    await run(deps, options, report);
  }
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}

/** Each planned object with its progress row, fetched a page at a time. */
async function* withProgress(
  deps: StorageMigrationDeps,
  tenantId: number | undefined,
): AsyncGenerator<[PlannedObject, MigratedObject | undefined]> {
  for await (const page of planPages(deps.db, { tenantId })) {
    const done = await findMigrated(
      deps.db,
      deps.route,
      page.objects.map((o) => o.key),
    );
    for (const object of page.objects) yield [object, done.get(object.key)];
  }
}

async function dryRun(deps: StorageMigrationDeps, options: StorageMigrationOptions, report: MigrationReport): Promise<void> {
  for await (const [object, done] of withProgress(deps, options.tenantId)) {
    if (done === undefined) {
      report.migrated.objects += 1;
      report.migrated.bytes += object.bytes;
      if (options.deleteSource) report.sourceDeleted += 1;
    } else {
      report.skipped.objects += 1;
      report.skipped.bytes += done.size;
      if (options.deleteSource && done.source_deleted_at === null) report.sourceDeleted += 1;
    }
  }
}

async function run(deps: StorageMigrationDeps, options: StorageMigrationOptions, report: MigrationReport): Promise<void> {
  // Our own controller: the caller's abort, or this run stopping itself when the store keeps failing.
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  const signal = controller.signal;
  // One signal for every request in flight (each adds a listener): not a leak.
  setMaxListeners(0, signal);

  const progress: MigrationProgress = {
    total: { ...report.planned },
    done: { objects: 0, bytes: 0 },
    copied: { objects: 0, bytes: 0 },
    failed: 0,
  };
  options.onProgress?.(progress);
  let storeFailuresInARow = 0;

  const settle = (object: PlannedObject, outcome: ObjectOutcome) => {
    switch (outcome.kind) {
      case 'migrated':
        report.migrated.objects += 1;
        report.migrated.bytes += outcome.bytes;
        if (outcome.recopied) report.recopied += 1;
        if (outcome.readBack) report.readBack += 1;
        if (outcome.sourceDeleted) report.sourceDeleted += 1;
        progress.copied.objects += 1;
        progress.copied.bytes += outcome.bytes;
        break;
      case 'skipped':
        report.skipped.objects += 1;
        report.skipped.bytes += outcome.bytes;
        if (outcome.sourceDeleted) report.sourceDeleted += 1;
        break;
      case 'gone':
        report.gone += 1;
        break;
      case 'at-destination':
        report.atDestination += 1;
        break;
      case 'failed':
        report.failed.push({ key: object.key, tenantId: object.tenantId, assetId: object.assetId, reason: outcome.reason });
        progress.failed += 1;
        break;
      case 'aborted':
        return;
    }
    storeFailuresInARow = outcome.kind === 'failed' && outcome.storeFailure ? storeFailuresInARow + 1 : 0;
    if (storeFailuresInARow >= MAX_STORE_FAILURES_IN_A_ROW && !signal.aborted) {
      report.stoppedBecause = `${storeFailuresInARow} objects in a row failed on the store (last: ${outcome.kind === 'failed' ? outcome.reason : ''})`;
      controller.abort(new Error(report.stoppedBecause));
    }
    progress.done.objects += 1;
    progress.done.bytes += object.bytes;
    // Assets created while the run goes on are copied too: the total grows with them.
    if (progress.done.objects > progress.total.objects) progress.total.objects = progress.done.objects;
    if (progress.done.bytes > progress.total.bytes) progress.total.bytes = progress.done.bytes;
    options.onProgress?.(progress);
  };

  // The workers load (each its own SDK and stores) while the destination is asked about its checks.
  const opening = openCopier(deps, options, report.planned.objects, signal);
  // Its failure is reported where it is awaited, and must not count as unhandled meanwhile.
  opening.catch(() => undefined);
  let copier: Copier;
  try {
    // Asked once, before the first copy: a store that checks sha256 on write makes every buffered put its own proof.
    if (report.check === 'on-write') report.proof = (await deps.destination.checksSha256OnWrite({ signal })) ? 'sha256' : 'etag';
    copier = await opening;
  } catch (err) {
    // Nothing left running: workers that did start end here.
    await opening.then(
      (started) => started.close(),
      () => undefined,
    );
    options.signal?.removeEventListener('abort', onAbort);
    throw err;
  }
  const writer = new ProgressWriter(deps.db, deps.route);
  try {
    await eachBounded(
      withProgress(deps, options.tenantId),
      options.concurrency ?? DEFAULT_CONCURRENCY,
      async ([object, done]) => {
        if (signal.aborted) return;
        const outcome = await migrateObject({ ...deps, copier, progress: writer }, object, done, {
          check: report.check,
          proof: report.proof,
          verify: options.verify === true,
          deleteSource: options.deleteSource === true,
          signal,
        });
        settle(object, outcome);
      },
      signal,
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // Whatever was verified is recorded before this returns, interrupted or not.
    await Promise.all([writer.close(), copier.close()]);
    report.workerThreads = copier.threads();
  }
  report.interrupted = options.signal?.aborted === true;
}

/** Worker threads when the ends can be opened there and the run is worth starting them; this thread otherwise. */
async function openCopier(
  deps: StorageMigrationDeps,
  options: StorageMigrationOptions,
  planned: number,
  signal: AbortSignal,
): Promise<Copier> {
  const workers = options.workers ?? (deps.ends !== undefined && planned > SMALL_RUN ? availableParallelism() : 0);
  if (workers === 0) return inThreadCopier(deps.source, deps.destination);
  if (deps.ends === undefined) throw new RangeError('Copying in worker threads needs the stores as data (deps.ends).');
  return CopyPool.start(deps.ends, { threads: workers, concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, signal });
}
