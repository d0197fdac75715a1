/**
 * The suite's one way to wait for something another process or the event loop will do: vitest's
 * `vi.waitFor`, retried until `check` stops throwing (or its promise stops rejecting), with
 * defaults that suit real services — a server's first answer, a row a worker writes, a log
 * line. Use it instead of a loop of sleeps; a test that waits for time itself to pass injects a
 * clock instead (manual-clock.ts).
 *
 * @example
 *   await waitFor(async () => expect(await statusOf(assetId)).toBe('ready'));
 *   const res = await waitFor(() => fetch(`${base}/healthz`), { timeout: 30_000 });   // the first answer
 */
import { vi } from 'vitest';

/** Long enough for a busy machine to start a child process or finish a job; far below the test timeout. */
export const WAIT_TIMEOUT_MS = 10_000;
/** Often enough that a test does not idle once the thing has happened; rarely enough not to load what it asks. */
export const WAIT_INTERVAL_MS = 25;

export interface WaitOptions {
  timeout?: number;
  interval?: number;
}

/** Calls `check` until it returns (or resolves) without throwing, and returns what it returned; throws its last error after `timeout`. */
export function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions = {}): Promise<T> {
  return vi.waitFor(check, { timeout: WAIT_TIMEOUT_MS, interval: WAIT_INTERVAL_MS, ...options });
}

/** {@link waitFor} for a condition: retries until `condition` is true; the error names `what` was waited for. */
export function until(what: string, condition: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  return waitFor(async () => {
    if (!(await condition())) throw new Error(`still waiting for ${what}`);
  }, options);
}
