/**
 * Time, for code that waits: the lull detector (request-activity.ts) and the idle gate
 * (idle-gate.ts) take one, so their tests move time by hand instead of sleeping.
 *
 * @example
 *   const cancel = clock.after(50, () => console.log('50 ms later'));
 *   cancel();   // it will not run
 */
export interface Clock {
  /** Milliseconds from an arbitrary start; only differences mean something. */
  now(): number;
  /** Calls `fn` once, `ms` from now; the function returned cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The process's monotonic clock. Its timers never keep a stopping process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
