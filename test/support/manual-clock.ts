/**
 * A Clock (src/jobs/clock.ts) that moves only when a test says so: `advance(ms)` runs every
 * timer that falls due on the way, in order, each at its own time.
 *
 * @example
 *   const clock = new ManualClock();
 *   clock.after(50, () => console.log('now', clock.now()));
 *   clock.advance(100);   // logs "now 50"
 */
import type { Clock } from '../../src/jobs/clock.js';

export class ManualClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): () => void {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + ms, fn });
    return () => this.timers.delete(id);
  }

  /** Timers waiting to run. */
  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = target;
  }
}
