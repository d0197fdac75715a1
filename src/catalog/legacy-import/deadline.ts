/**
 * An AbortSignal that fires `ms` from now, or as soon as `signal` (Ctrl-C) does. A plain timer
 * and controller on purpose: a signal made by `AbortSignal.any([signal, AbortSignal.timeout(ms)])`
 * is only weakly held on Node 20 and can be garbage-collected before it fires — which is how the
 * importer's old 30 s fetch limit let an answer after 45 s through. Here the timer holds it.
 *
 * @example
 *   const limit = deadline(60_000, signal);
 *   try { await readWithLimit(body, maxBytes, limit.signal); }
 *   catch (err) { if (limit.expired()) … } finally { limit.clear(); }
 */
export interface Deadline {
  signal: AbortSignal;
  /** True once the time ran out (not when `signal` fired first). */
  expired(): boolean;
  /** Stops the timer and lets go of `signal`; call it when the work is done. */
  clear(): void;
}

export function deadline(ms: number, signal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no end within ${ms} ms`, 'TimeoutError'));
  }, ms);
  const onAbort = (): void => controller.abort(signal!.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    expired: () => expired,
    clear: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
