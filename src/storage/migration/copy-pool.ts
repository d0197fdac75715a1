/**
 * Copies in worker threads (tinypool): one thread per core, each opening its own two stores
 * from their descriptions and taking its share of the copies in flight at once. Reading,
 * hashing and putting — the CPU a migration spends — then run on every core, while the
 * calling thread keeps the plan, the record and the report.
 *
 * What crosses the thread boundary: a task `{ key, md5 }` one way, the `CopiedObject` (or a
 * failure's code and message) the other; the bytes never do.
 *
 * Abort is the run's, not a task's: when `signal` fires the pool sets a shared flag and posts on
 * a BroadcastChannel, and every worker aborts its copies in flight through the stores' own abort,
 * so each task still answers (Aborted) and nothing is left half-written. tinypool's per-task
 * `signal` is not used on purpose: a task given one runs alone on its worker, and aborting it
 * terminates the thread mid-put.
 *
 * @example
 *   const pool = await CopyPool.start(ends, { concurrency: 8, signal });
 *   try { const copied = await pool.copy(key, { md5: false }); } finally { await pool.close(); }
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { BroadcastChannel } from 'node:worker_threads';
import Tinypool from 'tinypool';
import { StorageError, abortedError } from '../storage-error.js';
import type { CopiedObject } from './copy-verified.js';
import type { Copier, CopyRequest, ThreadTally } from './copier.js';
import type { CopyAnswer, CopyTask, CopyWorkerData } from './copy-worker.js';
import type { MigrationEnds } from './store-description.js';

/** A worker's young generation (three semi-spaces of 64 MB): see `resourceLimits` below. */
const YOUNG_GENERATION_MB = 192;

export interface CopyPoolOptions {
  /** Copies in flight across all the workers. */
  concurrency: number;
  /** Worker threads (default: one per core, `os.availableParallelism()`; never more than `concurrency`). */
  threads?: number | undefined;
  /** The run's abort: every copy in flight, in every worker, is aborted. */
  signal?: AbortSignal | undefined;
}

/**
 * The worker's module: compiled beside this one in dist/; from the TypeScript sources (this
 * module is then a `.ts` file), a plain-JS entry that loads the worker through tsx.
 */
export function copyWorkerEntry(moduleUrl: string = import.meta.url): URL {
  const fromSources = new URL(moduleUrl).pathname.endsWith('.ts');
  return new URL(fromSources ? './copy-worker-from-sources.mjs' : './copy-worker.js', moduleUrl);
}

export class CopyPool implements Copier {
  private readonly tally = new Map<number, number>();
  private readonly onAbort: () => void;

  private constructor(
    private readonly pool: Tinypool,
    private readonly channel: BroadcastChannel,
    private readonly flag: Int32Array,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.onAbort = () => {
      Atomics.store(flag, 0, 1);
      channel.postMessage('abort');
    };
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted) this.onAbort();
  }

  /**
   * Starts the workers and waits until each has loaded and opened its stores.
   * @throws Error when a worker cannot start (its module failed to load, say)
   */
  static async start(ends: MigrationEnds, options: CopyPoolOptions): Promise<CopyPool> {
    const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), options.concurrency));
    const flag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const abortChannel = `vitrina-copy-abort-${randomUUID()}`;
    const workerData: CopyWorkerData = { ends, abortChannel, abortFlag: flag };
    const pool = new Tinypool({
      filename: copyWorkerEntry().href,
      // All started now: tinypool hands a task straight to a started worker with room, and to the
      // queue (one at a time as workers free up) otherwise.
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: Math.ceil(options.concurrency / threads),
      teardown: 'closeStores',
      // Each copy allocates and drops a buffer per object, thousands a second: with V8's default
      // young generation (16 MB semi-spaces) the worker's heap is collected many times a second.
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      workerData,
    });
    const channel = new BroadcastChannel(abortChannel);
    channel.unref();
    const copyPool = new CopyPool(pool, channel, flag, options.signal);
    try {
      // One `ready` per worker (tinypool gives each to an idle one): each has loaded and opened its stores.
      await Promise.all(Array.from({ length: threads }, () => pool.run({ kind: 'ready' } satisfies CopyTask)));
    } catch (err) {
      await copyPool.close();
      throw new Error(`The copy workers did not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return copyPool;
  }

  /**
   * Copies `key` in one of the workers. The pool's own signal (given to `start`) aborts a copy in
   * flight; `request.signal`, when another, is only checked before the copy is handed over.
   * @throws StorageError as `copyObject` does; StoreError when the worker itself failed
   */
  async copy(key: string, request: CopyRequest): Promise<CopiedObject> {
    const signal = request.signal ?? this.signal;
    if (signal?.aborted) throw abortedError(signal, key);
    let answer: CopyAnswer;
    try {
      answer = (await this.pool.run({ kind: 'copy', key, md5: request.md5 } satisfies CopyTask)) as CopyAnswer;
    } catch (err) {
      // The worker itself failed (it crashed, or the pool was closed under it).
      throw new StorageError('StoreError', `The copy worker failed: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
        key,
      });
    }
    if (!answer.ok) {
      if (answer.code === 'Aborted') throw abortedError(signal, key);
      throw new StorageError(answer.code ?? 'StoreError', answer.message, { key });
    }
    this.tally.set(answer.threadId, (this.tally.get(answer.threadId) ?? 0) + 1);
    return answer.copied!;
  }

  threads(): ThreadTally[] {
    return [...this.tally].map(([threadId, copies]) => ({ threadId, copies })).sort((a, b) => a.threadId - b.threadId);
  }

  /** Ends the workers (each closes its stores first). */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.channel.close();
    await this.pool.destroy();
  }
}
