/**
 * Where image processing waits for a lull in the web server's requests before it starts the
 * next image. Processing a photo costs ten times the CPU of taking its upload, and the puts it
 * makes load the object store as much as the uploads do; run beside a burst of uploads, it
 * slows every one of them, even at a lower CPU priority. Uploads are answered as soon as they
 * are stored, so the images of a burst can wait for it to end — but never for longer than
 * `maxWaitMs` per batch, so a server that is never quiet still processes.
 *
 * The web server's side (request-activity.ts) says `setBusy(true | false)`: in the same
 * process (JOBS=inline), or over IPC to its worker process (JOBS=process). A gate nobody
 * calls `setBusy` on (`vitrina work` on a machine of its own) never waits.
 *
 * @example
 *   const gate = new IdleGate(10_000);
 *   await gate.wait(signal);   // then claim and process the next image
 */
export class IdleGate {
  private busy = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly maxWaitMs: number) {}

  get isBusy(): boolean {
    return this.busy;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    if (!busy) for (const wake of [...this.waiters]) wake();
  }

  /**
   * Resolves at once when the web server is quiet; otherwise when it becomes quiet, after
   * `maxWaitMs`, or when `signal` fires (never rejects: the caller checks its signal).
   * @returns how long it waited, in milliseconds
   */
  async wait(signal?: AbortSignal): Promise<number> {
    if (!this.busy || signal?.aborted) return 0;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.maxWaitMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
    return performance.now() - started;
  }
}
