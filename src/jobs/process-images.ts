/**
 * Turns uploads into served images after the upload request has answered: reads the upload
 * kept under its private `incoming` key (or takes the bytes the receiving instance still
 * holds), decodes it once, orients it, strips every byte of metadata, encodes the normalised
 * original and the variants under the asset's immutable prefix, then marks the asset ready
 * and queues the upload for purge — in one transaction. Until then pages show a placeholder;
 * the upload itself (EXIF, GPS and all) is never served.
 *
 * Claimed with a lease like all background work: an instance that dies mid-way leaves the
 * asset to another once the lease runs out. A bad image (damaged data found only by a full
 * decode) marks the asset broken at once; a failing store is retried with backoff, then the
 * asset is marked broken after MAX_ATTEMPTS.
 */
import type { MediaConfig } from '../config.js';
import type { Asset, AssetLocation, AssetVariant, Db } from '../db/schema.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { assetObjectKeys } from '../media/assets.repository.js';
import { claimProcessing, failProcessing, finishProcessing } from './asset-claims.repository.js';
import { mapBounded } from '../each-bounded.js';
import { processImage } from '../media/process-image.js';
import type { Semaphore } from '../media/semaphore.js';
import { readWithLimit } from '../media/size-limit.js';
import { storeProcessedImage } from '../media/store-image.js';
import type { ResilientStore } from '../storage/fallback/resilient-store.js';
import { isOutage } from '../storage/fallback/outage.js';
import { isStorageError } from '../storage/storage-error.js';
import type { IdleGate } from './idle-gate.js';
import type { JobWorker } from './job-runner.js';
import { enqueuePurge } from './purge-queue.repository.js';

export const PROCESS_WORKER = 'process-images';

/** A full decode of a 40-megapixel image takes seconds; the lease leaves ample room. */
const LEASE_SECONDS = 120;
export const MAX_ATTEMPTS = 5;
/** Uploads read back from the store are never larger than this. */
const MAX_SOURCE_BYTES = 256 * 1024 * 1024;
/** Bytes held for in-process hand-off, at most (beyond, the worker reads the upload back). */
const MAX_HELD_BYTES = 64 * 1024 * 1024;

export interface ProcessDeps {
  db: Db;
  logger: Logger;
  media: MediaConfig;
  /** The object store and the fallback spool. */
  stores: ResilientStore;
  /** Bounds how many images are decoded at once across the process. */
  decodeSlots?: Semaphore | undefined;
  /** Each batch first waits for a lull in the web server's requests (idle-gate.ts). */
  idleGate?: IdleGate | undefined;
  /** Called after a commit that queued purges. */
  onPurgeQueued?: (() => void) | undefined;
  /** Called once per processed asset with its outcome, and per stored object. */
  onProcessed?: ((outcome: ProcessOutcome) => void) | undefined;
  onStored?: ((location: AssetLocation, bytes: number) => void) | undefined;
}

export type ProcessOutcome = 'ready' | 'broken' | 'retry' | 'gone';

/**
 * The worker, plus `hold`: the instance that took an upload hands its bytes over so the first
 * attempt needs no read from the store.
 */
export interface ProcessWorker extends JobWorker {
  hold(assetId: string, bytes: Buffer): void;
}

export function processWorker(deps: ProcessDeps, options: { idleMs?: number } = {}): ProcessWorker {
  const held = new Map<string, Buffer>();
  let heldBytes = 0;
  const take = (id: string): Buffer | undefined => {
    const bytes = held.get(id);
    if (bytes !== undefined) {
      held.delete(id);
      heldBytes -= bytes.length;
    }
    return bytes;
  };
  return {
    name: PROCESS_WORKER,
    idleMs: options.idleMs ?? 2000,
    hold(assetId, bytes) {
      if (heldBytes + bytes.length > MAX_HELD_BYTES) return;
      held.set(assetId, bytes);
      heldBytes += bytes.length;
    },
    async runOnce(signal) {
      const limit = deps.media.workers;
      await deps.idleGate?.wait(signal);
      // What this instance holds first (no read from the store), then anything due.
      let claimed = await claimProcessing(deps.db, { limit, leaseSeconds: LEASE_SECONDS, ids: [...held.keys()].slice(0, limit) });
      if (claimed.length < limit) {
        claimed = claimed.concat(await claimProcessing(deps.db, { limit: limit - claimed.length, leaseSeconds: LEASE_SECONDS }));
      }
      // Held bytes of assets another instance took, or that were deleted, are dropped.
      if (claimed.length === 0) for (const id of held.keys()) if (!(await stillWaiting(deps.db, id))) take(id);
      await mapBounded(claimed, limit, (asset) => processAsset(deps, asset, take(asset.id), signal));
      return claimed.length;
    },
  };
}

async function stillWaiting(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('assets').select('id').where('id', '=', id).where('status', '=', 'processing').executeTakeFirst();
  return row !== undefined;
}

/** Processes one claimed asset; never throws (the outcome is recorded on the row). */
export async function processAsset(deps: ProcessDeps, asset: Asset, bytes?: Buffer, signal?: AbortSignal): Promise<ProcessOutcome> {
  const outcome = await processOnce(deps, asset, bytes, signal);
  deps.onProcessed?.(outcome);
  return outcome;
}

async function processOnce(
  deps: ProcessDeps,
  asset: Asset,
  bytes: Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<ProcessOutcome> {
  const log = deps.logger.child({ tenantId: asset.tenant_id, assetId: asset.id, key: asset.key_prefix });
  const started = performance.now();
  let source = bytes;
  try {
    if (source === undefined) {
      if (asset.source_key === null) return await fail(deps, asset, new Error('the upload is missing (no source key)'), true, log);
      source = await readWithLimit(
        (await deps.stores.storeFor(asset.location).get(asset.source_key, { signal })).body,
        MAX_SOURCE_BYTES,
        signal,
      );
    }
  } catch (err) {
    return fail(deps, asset, err, isStorageError(err, 'ObjectNotFound'), log);
  }

  let stored;
  // The outputs go where new objects go now: the object store, or the spool while it fails.
  let location = deps.stores.writableLocation();
  try {
    const work = () =>
      processImage(source, {
        allowedTypes: deps.media.allowedTypes,
        variants: deps.media.variants,
        variantWidths: deps.media.variantWidths,
        maxPixels: deps.media.maxPixels,
      });
    const processed = deps.decodeSlots ? await deps.decodeSlots.run(work) : await work();
    const put = (where: AssetLocation) =>
      storeProcessedImage(deps.stores.storeFor(where), asset.tenant_id, processed, asset.original_name, signal, asset.key_prefix);
    try {
      stored = await put(location);
    } catch (err) {
      if (location !== 'store' || deps.stores.spool === undefined || !isOutage(err)) throw err;
      location = 'spool';
      stored = await put(location);
    }
  } catch (err) {
    // The image itself is bad: no retry will help. Anything else (the store) is retried.
    const final = isAppError(err) && (err.code === 'Unprocessable' || err.code === 'UnsupportedMediaType');
    return fail(deps, asset, err, final, log);
  }

  const variants: AssetVariant[] = [
    { name: 'original', key: stored.key, width: stored.width, height: stored.height, bytes: stored.bytes, contentType: stored.contentType },
    ...stored.variants,
  ];
  let outcome: 'ready' | 'gone';
  try {
    outcome = await commitProcessed(deps, asset, location, variants, stored);
  } catch (err) {
    // The objects are stored under the asset's own prefix, so nothing is lost: the asset stays
    // `processing` and is tried again (the same keys are written again) once the database answers.
    return fail(deps, asset, new DatabaseFailure(err), false, log);
  }
  deps.onPurgeQueued?.();
  for (const v of variants) deps.onStored?.(location, v.bytes);
  log.info(
    {
      event: outcome === 'ready' ? 'processed' : 'processed-orphan',
      variants: variants.length,
      bytes: stored.bytes,
      location,
      ms: Math.round(performance.now() - started),
    },
    outcome === 'ready' ? 'image processed' : 'image processed after its asset was deleted; queued for purge',
  );
  return outcome;
}

/** A failed commit: retried like an outage (it is not the image's fault). */
class DatabaseFailure extends Error {
  constructor(cause: unknown) {
    super(`the database failed while recording the processed image: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Marks the asset ready with what was stored and queues the upload for purge, in one transaction. */
async function commitProcessed(
  deps: ProcessDeps,
  asset: Asset,
  location: AssetLocation,
  variants: AssetVariant[],
  stored: { width: number; height: number; bytes: number; sha256: string; contentType: string },
): Promise<'ready' | 'gone'> {
  return deps.db.transaction().execute(async (trx) => {
    const done = await finishProcessing(trx, asset.id, {
      location,
      variants,
      width: stored.width,
      height: stored.height,
      bytes: stored.bytes,
      sha256: stored.sha256,
      contentType: stored.contentType,
    });
    // Deleted while we worked: what we just stored belongs to nobody.
    await enqueuePurge(
      trx,
      done === undefined ? assetObjectKeys(asset) : asset.source_key === null ? [] : [asset.source_key],
      asset.tenant_id,
    );
    return done === undefined ? 'gone' : 'ready';
  });
}

async function fail(deps: ProcessDeps, asset: Asset, err: unknown, finalBecauseBad: boolean, log: Logger): Promise<ProcessOutcome> {
  const message = err instanceof Error ? err.message : String(err);
  // A store outage or a failed commit is not the image's fault: it waits without using up attempts.
  const outage = isOutage(err) || err instanceof DatabaseFailure;
  const final = finalBecauseBad || (!outage && asset.attempts + 1 >= MAX_ATTEMPTS);
  try {
    await deps.db.transaction().execute(async (trx) => {
      const row = await failProcessing(trx, asset.id, message, { final, outage });
      // A broken asset keeps no upload: nothing will ever process it.
      if (row !== undefined && final && asset.source_key !== null) await enqueuePurge(trx, [asset.source_key], asset.tenant_id);
    });
    if (final) deps.onPurgeQueued?.();
  } catch (dbErr) {
    log.error({ err: dbErr }, 'could not record a processing failure; the lease will run out and it is tried again');
    return 'retry';
  }
  if (final)
    log.warn({ event: 'refused', err: message, attempts: asset.attempts + 1 }, 'image could not be processed; asset marked broken');
  else log.warn({ event: 'process-retry', err: message, attempts: asset.attempts + 1 }, 'image processing failed; will retry');
  return final ? 'broken' : 'retry';
}
