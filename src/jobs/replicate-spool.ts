/**
 * Moves images kept in the fallback spool to the object store once it answers again: copies
 * every object of a ready spooled asset, reads each back from the store and compares its
 * sha256 with the spool's copy, switches the asset's location in the database, and only then
 * drops the spool copies. Claimed with a lease like all background work, so an instance
 * dying mid-way leaves the asset to another (re-copying an immutable key is harmless: same
 * key, same bytes); the row is switched once.
 *
 * While the breaker is open the worker waits; its own calls are the breaker's probes.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { claimSpooled, finishReplication, releaseClaim } from './asset-claims.repository.js';
import { readWithLimit } from '../media/size-limit.js';
import type { ResilientStore } from '../storage/fallback/resilient-store.js';
import { isOutage } from '../storage/fallback/outage.js';
import type { JobWorker } from './job-runner.js';

export const REPLICATE_WORKER = 'replicate-spool';

const BATCH = 8;
const LEASE_SECONDS = 120;
const RETRY_SECONDS = 5;
const MAX_OBJECT_BYTES = 256 * 1024 * 1024;

export interface ReplicateDeps {
  db: Db;
  stores: ResilientStore;
  logger: Logger;
  onReplicated?: (() => void) | undefined;
}

export function replicateWorker(deps: ReplicateDeps, options: { idleMs?: number } = {}): JobWorker {
  return {
    name: REPLICATE_WORKER,
    idleMs: options.idleMs ?? 2000,
    runOnce: (signal) => replicateDue(deps, signal),
  };
}

/** Replicates one batch; returns how many assets were moved. */
export async function replicateDue(deps: ReplicateDeps, signal?: AbortSignal): Promise<number> {
  const { spool } = deps.stores;
  const failing = () => deps.stores.failing;
  if (spool === undefined || failing()) return 0;
  const claimed = await claimSpooled(deps.db, { limit: BATCH, leaseSeconds: LEASE_SECONDS });
  let moved = 0;
  for (const [index, asset] of claimed.entries()) {
    const log = deps.logger.child({ event: 'replicate', tenantId: asset.tenant_id, assetId: asset.id, key: asset.key_prefix });
    const keys = asset.variants.map((v) => v.key);
    try {
      for (const key of keys) {
        const object = await spool.get(key, { signal });
        const bytes = await readWithLimit(object.body, MAX_OBJECT_BYTES, signal);
        const expected = sha256(bytes);
        await deps.stores.primary.put(key, bytes, {
          contentType: object.contentType ?? 'application/octet-stream',
          cacheControl: object.cacheControl,
          metadata: object.metadata,
          contentLength: bytes.length,
          signal,
        });
        // What the store gives back is what counts (some providers ignore checksum headers).
        const readBack = await readWithLimit((await deps.stores.primary.get(key, { signal })).body, MAX_OBJECT_BYTES, signal);
        if (sha256(readBack) !== expected) throw new Error(`the copy of ${key} in the object store does not match the spool's (sha256)`);
      }
      if (await finishReplication(deps.db, asset.id)) {
        moved += 1;
        deps.onReplicated?.();
        log.info({ event: 'replicated', objects: keys.length }, 'spooled image replicated to the object store and verified');
      }
      // The row no longer points at the spool (or the asset is gone): its spool copies go.
      await spool
        .deleteMany(keys)
        .catch((err: unknown) => log.warn({ err }, 'spool copies could not be dropped; reconcile will find them'));
    } catch (err) {
      // Decided once: the breaker may change while the claims are given back.
      const outage = isOutage(err) || failing();
      log.warn({ err: err instanceof Error ? err.message : String(err), outage }, 'replication failed; will retry');
      // The store is failing again: give back this asset and the rest of the batch, untried.
      const giveBack = outage ? claimed.slice(index) : [asset];
      for (const a of giveBack) await releaseClaim(deps.db, a.id, RETRY_SECONDS).catch(() => undefined);
      if (outage) break;
    }
  }
  return moved;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
