/**
 * Log-in throttling, with the database as the state every instance shares. An attempt is
 * counted before its password is hashed, in one atomic statement that returns the new counts
 * (throttle-counts.repository.ts), so attempts made at the same moment cannot all pass on the
 * same count: of N parallel guesses, only the free allowance is hashed.
 *
 * Three counts, each by client prefix (client-prefix.ts: an IPv4 address, an IPv6 /64):
 *
 * - an account from one prefix: its first 5 failures are free; after that each attempt must
 *   wait twice as long after the one before (1 s, 2 s, 4 s … at most 15 minutes). Keyed by the
 *   pair, so someone guessing at an account delays themselves, never the owner elsewhere.
 * - a prefix, whatever the accounts: the same, after 20 (many people may share one address,
 *   an office behind NAT, while nobody mistypes one password twenty times).
 * - an account from everywhere, a safeguard against guessing spread over many addresses: past
 *   100 wrong passwords in a day, each prefix may try that account at most once a minute.
 *
 * Every attempt counts, a refused one too (hammering during a wait only lengthens one's own
 * wait). A success clears its account-and-prefix count and takes itself back from the prefix's
 * (never more: guesses must not hide between log-ins to one's own account). A count is
 * forgotten a day after its last attempt; each attempt removes a few such stale rows.
 *
 * @example
 *   const throttle = new LoginThrottle(db);
 *   const wait = await throttle.admit({ email, address: request.ip });   // 0: go ahead and hash
 *   …wrong password → await throttle.failed({ email, address });
 *   …right password → await throttle.succeeded({ email, address });
 */
import type { Db } from '../db/schema.js';
import { clientPrefix } from './client-prefix.js';
import {
  countAttempts,
  deleteThrottleCount,
  findThrottleCount,
  pruneThrottleCounts,
  THROTTLE_COUNT_LIFETIME_MS,
  uncountAttempt,
} from './throttle-counts.repository.js';
import { normalizeEmail } from './users.repository.js';

export interface LoginAttempt {
  readonly email: string;
  /** The client's address, as the server sees it (request.ip). */
  readonly address: string;
}

export interface ThrottlePolicy {
  /** Failures in a row an account may have from one client prefix before the next attempt must wait. */
  readonly accountFreeFailures: number;
  /** The same for a client prefix, whatever the accounts. */
  readonly addressFreeFailures: number;
  /** The first wait; each further failure doubles it. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** A count with no attempt for this long starts over (at most THROTTLE_COUNT_LIFETIME_MS: its row is pruned then). */
  readonly forgetAfterMs: number;
  /** Wrong passwords for one account, from all addresses, past which each prefix is spaced out… */
  readonly accountWideFailures: number;
  /** …to one attempt at that account this often. */
  readonly accountWideSpacingMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  accountFreeFailures: 5,
  addressFreeFailures: 20,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
  forgetAfterMs: THROTTLE_COUNT_LIFETIME_MS,
  accountWideFailures: 100,
  accountWideSpacingMs: 60 * 1000,
};

/** How long after the last of `failures` failures the next attempt must wait, with `free` free ones. */
export function throttleDelayMs(
  failures: number,
  free: number,
  policy: Pick<ThrottlePolicy, 'firstDelayMs' | 'maxDelayMs'> = DEFAULT_THROTTLE,
): number {
  if (failures <= free) return 0;
  // 2^(failures − free − 1), capped before it can overflow.
  const doublings = Math.min(failures - free - 1, 40);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** doublings);
}

const accountKey = (email: string) => `account:${normalizeEmail(email)}`;
const addressKey = (prefix: string) => `address:${prefix}`;
const accountAddressKey = (email: string, prefix: string) => `account-address:${prefix}|${normalizeEmail(email)}`;

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

  /**
   * Counts this attempt and says how many whole seconds it must wait: 0 when its password may
   * be checked now. Call it before hashing, and exactly once per attempt.
   */
  async admit(attempt: LoginAttempt): Promise<number> {
    const now = this.now();
    const forgetBefore = new Date(now - this.policy.forgetAfterMs);
    const prefix = clientPrefix(attempt.address);
    const pairKey = accountAddressKey(attempt.email, prefix);
    const counts = await countAttempts(this.db, [pairKey, addressKey(prefix)], new Date(now), forgetBefore);
    await pruneThrottleCounts(this.db, now);
    const everywhere = await findThrottleCount(this.db, accountKey(attempt.email));
    const underAttack =
      everywhere !== undefined && everywhere.lastAt >= forgetBefore && everywhere.attempts >= this.policy.accountWideFailures;

    let until = now;
    for (const count of counts) {
      if (count.previousAt === null) continue;
      const previous = count.previousAt.getTime();
      const isPair = count.key === pairKey;
      const free = isPair ? this.policy.accountFreeFailures : this.policy.addressFreeFailures;
      // The wait set by the attempts before this one, measured from the last of them.
      until = Math.max(until, previous + throttleDelayMs(count.attempts - 1, free, this.policy));
      if (isPair && underAttack) until = Math.max(until, previous + this.policy.accountWideSpacingMs);
    }
    return Math.ceil((until - now) / 1000);
  }

  /** A wrong password (checked after {@link admit}): counts towards the account-wide safeguard. */
  async failed(attempt: LoginAttempt): Promise<void> {
    const now = this.now();
    await countAttempts(this.db, [accountKey(attempt.email)], new Date(now), new Date(now - this.policy.forgetAfterMs));
  }

  /** The right password: clears the account's count from this prefix, and takes the attempt back from the prefix's. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const prefix = clientPrefix(attempt.address);
    await deleteThrottleCount(this.db, accountAddressKey(attempt.email, prefix));
    await uncountAttempt(this.db, [addressKey(prefix)]);
  }
}
