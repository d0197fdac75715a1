/**
 * A copy worker: the module a `CopyPool` (copy-pool.ts) runs in each of its worker threads.
 * The thread opens its own two stores once, from the descriptions in the pool's `workerData`,
 * and copies one object per task (`copyObject`: read, hash, put with the sha256), several at a
 * time. Only plain data crosses back: the `CopiedObject`, or a failure's code and message (an
 * error's class and fields do not survive the thread boundary, so they are sent as data).
 *
 * Abort: the pool sets a shared flag and posts on a BroadcastChannel; the thread then aborts
 * every copy in flight through the drivers' own abort (no half-written temp file, no open
 * multipart upload), and refuses any task that still arrives.
 *
 * @example
 *   // in the worker (tinypool calls it): { kind: 'copy', key: 't/7/img/…/w480.webp', md5: false }
 *   const answer = await copyInWorker(task); // { ok: true, threadId: 3, copied: { key, size, sha256, … } }
 */
import { setMaxListeners } from 'node:events';
import { BroadcastChannel, threadId } from 'node:worker_threads';
import Tinypool from 'tinypool';
import type { StorageErrorCode } from '../object-store.js';
import { isStorageError } from '../storage-error.js';
import type { Store } from '../store.js';
import { copyObject, type CopiedObject } from './copy-verified.js';
import { openStore, type MigrationEnds } from './store-description.js';

/** What every worker of a pool is started with. */
export interface CopyWorkerData {
  ends: MigrationEnds;
  /** Name of the BroadcastChannel the pool posts its abort on. */
  abortChannel: string;
  /** One Int32, set to 1 when the pool is aborted: read as each task starts (a channel message may arrive later). */
  abortFlag: Int32Array;
}

export type CopyTask = { kind: 'ready' } | { kind: 'copy'; key: string; md5: boolean };

export type CopyAnswer = { threadId: number } & (
  { ok: true; copied: CopiedObject | undefined } | { ok: false; code: StorageErrorCode | undefined; message: string }
);

interface WorkerState {
  source: Store;
  destination: Store;
  controller: AbortController;
  flag: Int32Array;
  channel: BroadcastChannel;
}

const data = Tinypool.workerData as CopyWorkerData;
const state: WorkerState = start(data);

function start({ ends, abortChannel, abortFlag }: CopyWorkerData): WorkerState {
  const controller = new AbortController();
  // One signal shared by every copy in flight (each adds a listener): not a leak.
  setMaxListeners(0, controller.signal);
  // Opened as the module loads, before any task: an abort posted while a task waits is not missed.
  const channel = new BroadcastChannel(abortChannel);
  channel.onmessage = () => controller.abort(new Error('The migration was stopped.'));
  // The channel must not keep an idle worker alive.
  channel.unref();
  return { source: openStore(ends.source), destination: openStore(ends.destination), controller, flag: abortFlag, channel };
}

/** Runs one task: `ready` proves the worker started (and says which thread it is), `copy` copies one object. */
export default async function copyInWorker(task: CopyTask): Promise<CopyAnswer> {
  const { source, destination, controller, flag } = state;
  if (Atomics.load(flag, 0) === 1 && !controller.signal.aborted) controller.abort(new Error('The migration was stopped.'));
  if (task.kind === 'ready') return { threadId, ok: true, copied: undefined };
  try {
    const copied = await copyObject(source, destination, task.key, { md5: task.md5, signal: controller.signal });
    return { threadId, ok: true, copied };
  } catch (err) {
    return {
      threadId,
      ok: false,
      code: isStorageError(err) ? err.code : undefined,
      message: err instanceof Error ? err.message : String(err),
    };
  }
}

/** tinypool's teardown: releases the thread's sockets and handles before it ends. */
export async function closeStores(): Promise<void> {
  state.channel.close();
  await Promise.allSettled([state.source.close(), state.destination.close()]);
}
