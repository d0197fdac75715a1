/**
 * A circuit breaker for the object store. After `failureThreshold` consecutive outage
 * failures (unreachable, timeouts, 5xx) it opens: calls are refused at once instead of each
 * waiting for its retries and timeouts, and uploads go to the fallback spool. After
 * `openMs` it lets one probe through (half-open); the probe's success closes it again.
 *
 * @example
 *   const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 5000 });
 *   if (breaker.allow()) { try { await call(); breaker.success(); } catch (e) { breaker.failure(); } }
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker (default 3). */
  failureThreshold?: number;
  /** Milliseconds the breaker stays open before a probe (default 5000). */
  openMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;
  private readonly listeners: ((state: BreakerState) => void)[] = [];
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 3;
    this.openMs = options.openMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.openMs ? 'half-open' : 'open';
  }

  /** Whether a call may go to the store now (in half-open, one probe at a time). */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    const was = this.state;
    this.failures = 0;
    this.probing = false;
    this.openedAt = undefined;
    if (was !== 'closed') this.emit();
  }

  failure(): void {
    this.failures += 1;
    const wasProbe = this.probing;
    this.probing = false;
    if (wasProbe || (this.openedAt === undefined && this.failures >= this.threshold)) {
      const wasOpen = this.openedAt !== undefined;
      this.openedAt = this.now();
      if (!wasOpen) this.emit();
    }
  }

  onChange(listener: (state: BreakerState) => void): void {
    this.listeners.push(listener);
  }

  private emit(): void {
    const state = this.state;
    for (const listener of this.listeners) listener(state);
  }
}
