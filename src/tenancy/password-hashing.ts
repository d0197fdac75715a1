/**
 * Password hashing with a bound on how much runs at once. scrypt runs on libuv's thread pool
 * (4 threads by default), which local-disk reads, DNS and zlib share: 24 log-ins at once used to
 * fill it for seconds and slowed an unrelated image GET from 3.5 ms to 1.6 s (issue 13). So at
 * most `concurrency` hashes run at once and at most `maxWaiting` wait for a turn; past that a
 * request is refused at once (Unavailable, 503) instead of queueing without end. A sign-up may
 * only wait while the waiting room is less than half full, so sign-ups, which anyone can send,
 * can never take the turns of log-ins.
 *
 * @example
 *   const passwords = new PasswordHashing(scryptParams(config.passwordHashCost));
 *   const stored = await passwords.hash('correct horse');
 *   await passwords.verify('correct horse', stored);   // { ok: true, rehash: false }
 */
import { AppError } from '../errors.js';
import { Semaphore, SemaphoreFullError } from '../media/semaphore.js';
import { dummyPasswordHash, hashParams, hashPassword, sameParams, verifyPassword, type ScryptParams } from './password.js';

export interface PasswordCheck {
  readonly ok: boolean;
  /** The password matched a hash made with other parameters: store a new hash. */
  readonly rehash: boolean;
}

/** Half the default thread pool: the other two threads stay free for file reads and DNS. */
const DEFAULT_CONCURRENCY = 2;
/** About four seconds of waiting at N=2^17 before a log-in is refused as too busy. */
const DEFAULT_MAX_WAITING = 8;

export const BUSY_MESSAGE = 'Too many people are logging in right now. Try again in a few seconds.';

export class PasswordHashing {
  private readonly slots: Semaphore;
  /** How many sign-ups may wait: under half the waiting room, the rest is kept for log-ins. */
  private readonly maxWaitingSignUps: number;

  constructor(
    readonly params: ScryptParams,
    options: { concurrency?: number; maxWaiting?: number } = {},
  ) {
    const maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
    this.slots = new Semaphore(options.concurrency ?? DEFAULT_CONCURRENCY, { maxWaiting });
    this.maxWaitingSignUps = Math.ceil(maxWaiting / 2);
  }

  /** Hashes at once, the other threads of the pool being left to file reads and DNS. */
  get concurrency(): number {
    return this.slots.size;
  }

  /**
   * Hashes with this instance's parameters; Unavailable when too many hashes are waiting. With
   * `signUp`, Unavailable once the waiting room is half full: the rest is kept for log-ins.
   */
  hash(password: string, options: { signUp?: boolean } = {}): Promise<string> {
    return this.bounded(() => hashPassword(password, this.params), options.signUp ? this.maxWaitingSignUps : undefined);
  }

  /**
   * Checks a password against a stored hash, or against a dummy hash when there is none (an
   * unknown email), so both take the same time. Unavailable when too many are waiting.
   */
  verify(password: string, stored: string | undefined): Promise<PasswordCheck> {
    return this.bounded(async () => {
      if (stored === undefined) {
        await verifyPassword(password, await dummyPasswordHash(this.params));
        return { ok: false, rehash: false };
      }
      const ok = await verifyPassword(password, stored);
      const params = hashParams(stored);
      return { ok, rehash: ok && params !== undefined && !sameParams(params, this.params) };
    });
  }

  private async bounded<T>(work: () => Promise<T>, maxWaiting?: number): Promise<T> {
    try {
      return await this.slots.run(work, { maxWaiting });
    } catch (err) {
      if (err instanceof SemaphoreFullError) throw new AppError('Unavailable', BUSY_MESSAGE, { cause: err });
      throw err;
    }
  }
}
