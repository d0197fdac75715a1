/**
 * One object of a storage migration, from "planned" to an outcome:
 *
 *   verified before ─ skip (with --verify: read it back first; bad → copy again)
 *   not yet         ─ copy → prove → record; a bad copy is made once more. The proof (check
 *                     'on-write'): the destination checked the sha256 of what it received, or
 *                     answered with the MD5 ETag of the bytes sent; a copy with neither, and
 *                     every copy with check 'read-back', is read back and compared
 *   source missing  ─ gone (the asset let go of it meanwhile) | already only at the
 *                     destination | failed
 *
 * and, with --delete-source, the source object is deleted only after its copy was verified
 * (by this run, or by an earlier one and then found at the destination with the right size).
 */
import type { Db } from '../../db/schema.js';
import type { Copier } from '../../storage/migration/copier.js';
import { etagConfirms, verifyObject, type CheckMode } from '../../storage/migration/copy-verified.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { isStorageError } from '../../storage/storage-error.js';
import type { PlannedObject } from './migration-plan.js';
import { stillReferenced } from './migration-plan.js';
import { markSourceDeleted, type MigratedObject } from './migration-progress.repository.js';
import type { ProgressWriter } from './progress-writer.js';

export interface ObjectMigrationDeps {
  db: Db;
  source: ObjectStore;
  destination: ObjectStore;
  /** Makes each copy: in this thread, or in a worker thread (copy-pool.ts); the checks above run here. */
  copier: Copier;
  route: string;
  /** Where verified copies are recorded (batched). */
  progress: ProgressWriter;
}

/** What proves an on-write check: the store verifies the sha256 a put comes with, or only its ETag can. */
export type WriteProof = 'sha256' | 'etag';

export interface ObjectMigrationOptions {
  /** How a new copy is checked (see copy-verified.ts); `--verify` always reads back. */
  check: CheckMode;
  /** With check 'on-write': what this destination offers as proof (migrate-storage.ts asks it once). */
  proof?: WriteProof | undefined;
  /** Read verified objects back from the destination again (and copy bad ones again). */
  verify: boolean;
  deleteSource: boolean;
  signal?: AbortSignal | undefined;
}

export type ObjectOutcome =
  /** `readBack`: the copy was read back (always with check 'read-back'; with 'on-write' when the put proved nothing). */
  | { kind: 'migrated'; bytes: number; recopied: boolean; sourceDeleted: boolean; readBack: boolean }
  | { kind: 'skipped'; bytes: number; sourceDeleted: boolean }
  /** The source has it no more, and nothing needs it: the asset was deleted or processed meanwhile. */
  | { kind: 'gone' }
  /** Not in the source, but at the destination (uploaded there after a switch). */
  | { kind: 'at-destination' }
  | { kind: 'failed'; reason: string; storeFailure: boolean }
  | { kind: 'aborted' };

/** Attempts at a copy that reads back wrong before the object is reported failed. */
const COPY_ATTEMPTS = 2;

export async function migrateObject(
  deps: ObjectMigrationDeps,
  object: PlannedObject,
  done: MigratedObject | undefined,
  options: ObjectMigrationOptions,
): Promise<ObjectOutcome> {
  const { signal } = options;
  try {
    let recopy = false;
    if (done !== undefined) {
      const deleting = options.deleteSource && done.source_deleted_at === null;
      // Before deleting a source, make sure the destination still has the copy (a HEAD is enough
      // for an object this tool verified; --verify reads it back in full).
      const problem = options.verify
        ? await verifyObject(deps.destination, object.key, done, { signal })
        : deleting
          ? await sizeProblem(deps.destination, object.key, done.size, signal)
          : undefined;
      if (problem === undefined) {
        if (deleting) await deleteSource(deps, object.key, signal);
        return { kind: 'skipped', bytes: done.size, sourceDeleted: deleting };
      }
      if (done.source_deleted_at !== null) {
        return { kind: 'failed', reason: `${problem}, and the source was deleted after an earlier verified copy`, storeFailure: false };
      }
      recopy = true;
    }
    return await copyAndVerify(deps, object, options, recopy);
  } catch (err) {
    if (signal?.aborted) return { kind: 'aborted' };
    return { kind: 'failed', reason: errorText(err), storeFailure: isStorageError(err) && err.code !== 'ObjectNotFound' };
  }
}

async function copyAndVerify(
  deps: ObjectMigrationDeps,
  object: PlannedObject,
  options: ObjectMigrationOptions,
  recopy: boolean,
): Promise<ObjectOutcome> {
  const { signal } = options;
  let problem: string | undefined;
  for (let attempt = 1; attempt <= COPY_ATTEMPTS; attempt++) {
    let copied;
    try {
      copied = await deps.copier.copy(object.key, { signal, md5: options.check === 'on-write' && options.proof === 'etag' });
    } catch (err) {
      if (isStorageError(err, 'ObjectNotFound')) return missingAtSource(deps, object, signal);
      throw err;
    }
    const readBack = !(options.check === 'on-write' && (options.proof === 'sha256' ? copied.checkedOnWrite : etagConfirms(copied)));
    problem = readBack ? await verifyObject(deps.destination, object.key, copied, { signal }) : undefined;
    if (problem === undefined) {
      const recorded = deps.progress.record({
        key: object.key,
        tenantId: object.tenantId,
        assetId: object.assetId,
        size: copied.size,
        sha256: copied.sha256,
      });
      let sourceDeleted = false;
      if (options.deleteSource) {
        // The source goes only once the database says its copy is verified.
        await recorded;
        await deleteSource(deps, object.key, signal);
        sourceDeleted = true;
      }
      return { kind: 'migrated', bytes: copied.size, recopied: recopy || attempt > 1, sourceDeleted, readBack };
    }
  }
  return { kind: 'failed', reason: `the copy did not verify after ${COPY_ATTEMPTS} attempts: ${problem}`, storeFailure: false };
}

async function missingAtSource(deps: ObjectMigrationDeps, object: PlannedObject, signal: AbortSignal | undefined): Promise<ObjectOutcome> {
  if (!(await stillReferenced(deps.db, object.assetId, object.key))) return { kind: 'gone' };
  const reason = `missing from the source (${deps.source.location})`;
  // Uploaded straight to the destination after the switch? Only if it is there with the size its row records.
  let size: number;
  try {
    size = (await deps.destination.head(object.key, { signal })).size;
  } catch (err) {
    if (isStorageError(err, 'ObjectNotFound')) return { kind: 'failed', reason, storeFailure: false };
    throw err;
  }
  if (size === object.bytes) return { kind: 'at-destination' };
  return {
    kind: 'failed',
    reason: `${reason}; the destination has an object there of ${size} bytes, the asset's row says ${object.bytes}`,
    storeFailure: false,
  };
}

/** Why the destination's copy is not there with `size` bytes, or undefined when it is. */
async function sizeProblem(store: ObjectStore, key: string, size: number, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    const head = await store.head(key, { signal });
    return head.size === size ? undefined : `the destination has ${head.size} bytes instead of ${size}`;
  } catch (err) {
    if (isStorageError(err, 'ObjectNotFound')) return `missing at the destination (${store.location})`;
    throw err;
  }
}

async function deleteSource(deps: ObjectMigrationDeps, key: string, signal: AbortSignal | undefined): Promise<void> {
  await deps.source.delete(key, { signal });
  await markSourceDeleted(deps.db, deps.route, key);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
