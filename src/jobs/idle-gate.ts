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
import { systemClock, type Clock } from './clock.js';

export class IdleGate {
  private busy = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly maxWaitMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  get isBusy(): boolean {
    return this.busy;
  }

  /** Callers held at the gate now (a test waits for this instead of sleeping). */
  get waiting(): number {
    return this.waiters.size;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    if (!busy) for (const wake of [...this.waiters]) wake();
  }

  /**
   * Resolves at once when the web server is quiet; otherwise when it becomes quiet, after
   * `maxWaitMs`, or when `signal` fires (never rejects: the caller checks its signal). A quiet
   * spell already over when the waiter gets to run — the worker process reading a backlog of
   * busy/quiet messages at once — does not count: it goes on waiting, to the same limit.
   * @returns how long it waited, in milliseconds
   */
  async wait(signal?: AbortSignal): Promise<number> {
    const started = this.clock.now();
    let timedOut = false;
    while (this.busy && !timedOut && !signal?.aborted) {
      timedOut = await new Promise<boolean>((resolve) => {
        const done = (expired: boolean) => {
          cancel();
          signal?.removeEventListener('abort', onAbort);
          this.waiters.delete(onQuiet);
          resolve(expired);
        };
        const onQuiet = () => done(false);
        const onAbort = () => done(false);
        const cancel = this.clock.after(Math.max(0, started + this.maxWaitMs - this.clock.now()), () => done(true));
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.add(onQuiet);
      });
    }
    return this.clock.now() - started;
  }
}
