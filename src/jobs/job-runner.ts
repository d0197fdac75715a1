/**
 * Runs the background workers of one instance. Each worker claims its own work from the
 * database (`FOR UPDATE SKIP LOCKED` with a lease), so any number of instances run the same
 * workers side by side without a broker. A worker loops while it finds work, then sleeps for
 * its idle interval, or until `kick` says new work was committed here.
 *
 * @example
 *   const runner = new JobRunner([purgeWorker, processWorker], logger);
 *   runner.start();
 *   runner.kick('purge');   // after a commit that queued purges
 *   await runner.stop();    // aborts the loops and waits for the batches in flight
 */
import type { Logger } from '../logger.js';

export interface JobWorker {
  readonly name: string;
  /** Milliseconds to sleep when a batch found nothing to do. */
  readonly idleMs: number;
  /** Handles one batch; returns how many items it handled (0: nothing was due). */
  runOnce(signal: AbortSignal): Promise<number>;
}

/** After a failed batch (database down, say), wait this long before the next. */
const ERROR_BACKOFF_MS = 2000;

export class JobRunner {
  private readonly controller = new AbortController();
  private readonly wakers = new Map<string, () => void>();
  private readonly kicked = new Set<string>();
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly workers: readonly JobWorker[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.loops.length > 0) return;
    this.loops = this.workers.map((worker) => this.loop(worker));
  }

  /** New work for `name` was committed: run it now rather than after the idle interval. */
  kick(name: string): void {
    this.kicked.add(name);
    this.wakers.get(name)?.();
  }

  /** Runs one batch of every worker in turn until none finds work (tests, one-shot commands). */
  async drain(signal: AbortSignal = this.controller.signal): Promise<number> {
    let total = 0;
    for (;;) {
      let round = 0;
      for (const worker of this.workers) round += await worker.runOnce(signal);
      total += round;
      if (round === 0) return total;
    }
  }

  /**
   * Lets the batches in flight finish (up to `graceMs`, so a purge or a processed image is
   * not cut off half-way at every deploy), then aborts whatever is still running.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakers.values()) wake();
    const done = Promise.allSettled(this.loops);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.controller.abort();
    await done;
    this.loops = [];
  }

  private async loop(worker: JobWorker): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted && !this.stopping) {
      this.kicked.delete(worker.name);
      let handled: number;
      try {
        handled = await worker.runOnce(signal);
      } catch (err) {
        if (signal.aborted) return;
        this.logger.error({ err, worker: worker.name }, 'background work failed; retrying');
        await this.sleep(worker.name, ERROR_BACKOFF_MS);
        continue;
      }
      if (handled === 0 && !this.kicked.has(worker.name)) await this.sleep(worker.name, worker.idleMs);
    }
  }

  private sleep(name: string, ms: number): Promise<void> {
    if (this.controller.signal.aborted || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(name);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.set(name, done);
    });
  }
}
