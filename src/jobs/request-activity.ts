/**
 * Whether the web server is busy answering requests, for background work that should run in
 * the lulls between them (idle-gate.ts). The web server calls `begin` and `end` around every
 * request; `onChange` hears `true` as soon as a request starts after a lull, and `false` once
 * no request has been in flight for `quietMs` — so a burst of uploads, or an upload and the
 * page its redirect leads to, is one busy spell, not a flicker per request.
 *
 * @example
 *   const activity = new RequestActivity(50, (busy) => gate.setBusy(busy));
 *   activity.begin(); … activity.end();
 */
export class RequestActivity {
  private requests = 0;
  private announced = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly quietMs: number,
    private readonly onChange: (busy: boolean) => void,
  ) {}

  /** Requests begun and not yet ended. */
  get inFlight(): number {
    return this.requests;
  }

  /** True from the first request after a lull until `quietMs` after the last one ended. */
  get busy(): boolean {
    return this.announced;
  }

  begin(): void {
    this.requests += 1;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.announced) {
      this.announced = true;
      this.onChange(true);
    }
  }

  end(): void {
    this.requests = Math.max(0, this.requests - 1);
    if (this.requests > 0 || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.requests > 0 || !this.announced) return;
      this.announced = false;
      this.onChange(false);
    }, this.quietMs);
    // A quiet spell to come must not keep a stopping process alive.
    this.timer.unref();
  }
}
