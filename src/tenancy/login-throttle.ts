/**
 * Log-in throttling, per account and per client address, with the database as the state every
 * instance shares. The first few failures in a row cost nothing; after that each failure makes
 * the next attempt wait twice as long as the last (1 s, 2 s, 4 s … at most 15 minutes). A
 * log-in that must wait is refused before its password is hashed, so throttled guessing costs
 * the server one indexed query. A successful log-in clears its account's count, never its
 * address's (else guessing at one account could be hidden between log-ins to one's own).
 *
 * An address gets more free failures than an account: many people may share one (an office
 * behind NAT), while nobody mistypes one password twenty times.
 *
 * @example
 *   const throttle = new LoginThrottle(db);
 *   const wait = await throttle.waitSeconds({ email, address: request.ip });   // 0: go ahead
 *   …wrong password → await throttle.failed({ email, address });
 */
import type { Db } from '../db/schema.js';
import { addLoginFailure, clearLoginFailures, deleteStaleLoginFailures, findLoginFailures } from './login-failures.repository.js';
import { normalizeEmail } from './users.repository.js';

export interface LoginAttempt {
  readonly email: string;
  /** The client's address, as the server sees it (request.ip). */
  readonly address: string;
}

export interface ThrottlePolicy {
  /** Failures in a row an account may have before the next attempt must wait. */
  readonly accountFreeFailures: number;
  /** The same for a client address. */
  readonly addressFreeFailures: number;
  /** The first wait; each further failure doubles it. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** A count with no failure for this long starts over. */
  readonly forgetAfterMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  accountFreeFailures: 5,
  addressFreeFailures: 20,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
  forgetAfterMs: 24 * 3600 * 1000,
};

/** How long after the last of `failures` failures the next attempt must wait, with `free` free ones. */
export function throttleDelayMs(failures: number, free: number, policy: ThrottlePolicy = DEFAULT_THROTTLE): number {
  if (failures <= free) return 0;
  // 2^(failures − free − 1), capped before it can overflow.
  const doublings = Math.min(failures - free - 1, 40);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** doublings);
}

const accountKey = (email: string) => `account:${normalizeEmail(email)}`;
const addressKey = (address: string) => `address:${address}`;

export class LoginThrottle {
  private readonly now: () => number;
  private readonly policy: ThrottlePolicy;

  constructor(
    private readonly db: Db,
    options: { now?: () => number; policy?: ThrottlePolicy } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.policy = options.policy ?? DEFAULT_THROTTLE;
  }

  /** Whole seconds this attempt must wait before it may be checked; 0 when it may go ahead. */
  async waitSeconds(attempt: LoginAttempt): Promise<number> {
    const now = this.now();
    const rows = await findLoginFailures(this.db, [accountKey(attempt.email), addressKey(attempt.address)]);
    let until = now;
    for (const row of rows) {
      const last = row.lastFailedAt.getTime();
      if (last < now - this.policy.forgetAfterMs) continue;
      const free = row.key.startsWith('account:') ? this.policy.accountFreeFailures : this.policy.addressFreeFailures;
      until = Math.max(until, last + throttleDelayMs(row.failures, free, this.policy));
    }
    return Math.ceil((until - now) / 1000);
  }

  async failed(attempt: LoginAttempt): Promise<void> {
    const now = this.now();
    await addLoginFailure(
      this.db,
      [accountKey(attempt.email), addressKey(attempt.address)],
      new Date(now),
      new Date(now - this.policy.forgetAfterMs),
    );
  }

  /** Clears the account's count, and removes counts that are old enough to be forgotten. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await clearLoginFailures(this.db, accountKey(attempt.email));
    await deleteStaleLoginFailures(this.db, new Date(this.now() - this.policy.forgetAfterMs));
  }
}
