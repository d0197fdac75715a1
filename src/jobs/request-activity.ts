/**
 * Whether the web server is busy answering requests, for background work that should run in
 * the lulls between them (idle-gate.ts). The web server calls `begin` for every request and the
 * function it returns when the request is over; `onChange` hears `true` as soon as a request
 * starts after a lull, and `false` once no request has been busy for `quietMs` — so a burst of
 * uploads, or an upload and the page its redirect leads to, is one busy spell, not a flicker
 * per request.
 *
 * A request is busy while the server works on it or its bytes move at a useful rate. One that
 * only waits on its client — more body to come, or its answer not being taken — and moved fewer
 * than `minBytesPerStall` bytes in the last `stallMs` is not: a client that stalls or trickles
 * (on purpose or on a bad connection; one byte every 400 ms would otherwise count as moving)
 * must not hold processing back until its connection times out. A request begun without a
 * probe is busy until it ends.
 *
 * @example
 *   const activity = new RequestActivity({ quietMs: 50, stallMs: 500 }, (busy) => gate.setBusy(busy));
 *   const end = activity.begin(probe);  …  end();
 */
import { systemClock, type Clock } from './clock.js';

/** What the lull detector asks of a request in flight (http/client-wait.ts makes one per request). */
export interface RequestProbe {
  /** Bytes moved so far on the request's connection, either way. */
  bytesMoved(): number;
  /** True while the request waits on its client rather than on the server. */
  waitsOnClient(): boolean;
}

export interface RequestActivityOptions {
  /** No busy request for this long is a lull. */
  quietMs: number;
  /** A request waiting on its client that moved too little over this long no longer counts as busy. */
  stallMs: number;
  /**
   * What "too little" is: fewer bytes than this in `stallMs` (default {@link MIN_BYTES_PER_STALL}).
   * Bytes still moving this fast count as busy at once.
   */
  minBytesPerStall?: number | undefined;
  clock?: Clock | undefined;
}

/** 4 KiB per 500 ms is 64 kbit/s: slower than that, a client is not what keeps the server busy. */
export const MIN_BYTES_PER_STALL = 4096;

interface Tracked {
  readonly probe: RequestProbe | undefined;
  /** Bytes moved when the current window of `stallMs` began, and when it began. */
  windowBytes: number;
  windowAt: number;
  /** The last window that ended moved too little. */
  slow: boolean;
  stalled: boolean;
}

export class RequestActivity {
  private readonly requests = new Set<Tracked>();
  private readonly clock: Clock;
  private announced = false;
  private cancelQuiet: (() => void) | undefined;
  private checking = false;

  constructor(
    private readonly options: RequestActivityOptions,
    private readonly onChange: (busy: boolean) => void,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Requests begun and not yet ended, stalled ones included. */
  get inFlight(): number {
    return this.requests.size;
  }

  /** True from the first busy request after a lull until `quietMs` after the last one ended or stalled. */
  get busy(): boolean {
    return this.announced;
  }

  /** A request has begun; call the function returned once it is over (more calls do nothing). */
  begin(probe?: RequestProbe): () => void {
    const tracked: Tracked = { probe, windowBytes: probe?.bytesMoved() ?? 0, windowAt: this.clock.now(), slow: false, stalled: false };
    this.requests.add(tracked);
    this.settle();
    if (probe !== undefined) this.scheduleCheck();
    return () => {
      if (this.requests.delete(tracked)) this.settle();
    };
  }

  /** Announces busy at once when a request is busy; quiet only after `quietMs` without one. */
  private settle(): void {
    if (this.anyBusy()) {
      this.cancelQuiet?.();
      this.cancelQuiet = undefined;
      if (!this.announced) {
        this.announced = true;
        this.onChange(true);
      }
      return;
    }
    if (!this.announced || this.cancelQuiet !== undefined) return;
    this.cancelQuiet = this.clock.after(this.options.quietMs, () => {
      this.cancelQuiet = undefined;
      if (!this.announced || this.anyBusy()) return;
      this.announced = false;
      this.onChange(false);
    });
  }

  private anyBusy(): boolean {
    for (const r of this.requests) if (!r.stalled) return true;
    return false;
  }

  /** Looks at the probed requests a few times per `stallMs`, as long as there are any. */
  private scheduleCheck(): void {
    if (this.checking) return;
    this.checking = true;
    this.clock.after(Math.max(1, Math.floor(this.options.stallMs / 4)), () => {
      this.checking = false;
      const now = this.clock.now();
      const minBytes = this.options.minBytesPerStall ?? MIN_BYTES_PER_STALL;
      let probed = false;
      for (const r of this.requests) {
        if (r.probe === undefined) continue;
        probed = true;
        const moved = r.probe.bytesMoved() - r.windowBytes;
        // Enough bytes ends the window early (a client that speeds up is busy at the next look);
        // too few is known only once the whole window has passed.
        if (moved >= minBytes || now - r.windowAt >= this.options.stallMs) {
          r.slow = moved < minBytes;
          r.windowBytes += moved;
          r.windowAt = now;
        }
        r.stalled = r.slow && r.probe.waitsOnClient();
      }
      this.settle();
      if (probed) this.scheduleCheck();
    });
  }
}
