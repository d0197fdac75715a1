/**
 * Sign-up throttling per client prefix (client-prefix.ts), in the same table as log-ins'
 * (throttle-counts.repository.ts): a sign-up hashes a password and creates a tenant, so an
 * unthrottled /signup would keep the password hasher busy for everyone. The first 10 sign-ups
 * (SIGNUPS_PER_HOUR) from a prefix are free; past that, each must come an hour after the
 * attempt before it. Every attempt counts, a refused one too; a count starts over after an hour
 * without one.
 *
 * @example
 *   const wait = await new SignUpThrottle(db).admit(request.ip);   // 0: go ahead
 */
import type { Db } from '../db/schema.js';
import { clientPrefix } from './client-prefix.js';
import { countAttempts, pruneThrottleCounts } from './throttle-counts.repository.js';

/** Sign-ups from one prefix before the next must wait (SIGNUPS_PER_HOUR). */
export const DEFAULT_FREE_SIGNUPS = 10;
/** The wait, from the attempt before; also how long a count lasts with no attempt. */
const WAIT_MS = 3600 * 1000;

export class SignUpThrottle {
  private readonly now: () => number;
  private readonly freeSignUps: number;

  constructor(
    private readonly db: Db,
    options: { now?: () => number; freeSignUps?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.freeSignUps = options.freeSignUps ?? DEFAULT_FREE_SIGNUPS;
  }

  /** Counts this sign-up and says how many whole seconds it must wait; 0 when it may go ahead. */
  async admit(address: string): Promise<number> {
    const now = this.now();
    const key = `signup:${clientPrefix(address)}`;
    const [count] = await countAttempts(this.db, [key], new Date(now), new Date(now - WAIT_MS));
    await pruneThrottleCounts(this.db, now);
    if (count === undefined || count.previousAt === null || count.attempts <= this.freeSignUps) return 0;
    return Math.max(0, Math.ceil((count.previousAt.getTime() + WAIT_MS - now) / 1000));
  }
}
