/**
 * Whether the web server is busy answering requests, for background work that should run in
 * the lulls between them (idle-gate.ts). The web server calls `begin` for every request and the
 * function it returns when the request is over; `onChange` hears `true` as soon as a request
 * starts after a lull, and `false` once no request has been busy for `quietMs` — so a burst of
 * uploads, or an upload and the page its redirect leads to, is one busy spell, not a flicker
 * per request.
 *
 * A request is busy while the server works on it or its bytes move. One that only waits on its
 * client — more body to come and none arriving, or its answer not being taken — for `stallMs`
 * is not: a client that stalls (on purpose or on a bad connection) must not hold processing
 * back until its connection times out. A request begun without a probe is busy until it ends.
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
  /** A request waiting on its client with no byte moving for this long no longer counts as busy. */
  stallMs: number;
  clock?: Clock | undefined;
}

interface Tracked {
  readonly probe: RequestProbe | undefined;
  moved: number;
  movedAt: number;
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
    const tracked: Tracked = { probe, moved: probe?.bytesMoved() ?? 0, movedAt: this.clock.now(), stalled: false };
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
      let probed = false;
      for (const r of this.requests) {
        if (r.probe === undefined) continue;
        probed = true;
        const moved = r.probe.bytesMoved();
        if (moved !== r.moved) {
          r.moved = moved;
          r.movedAt = now;
        }
        r.stalled = now - r.movedAt >= this.options.stallMs && r.probe.waitsOnClient();
      }
      this.settle();
      if (probed) this.scheduleCheck();
    });
  }
}
