/**
 * Password hashing with scrypt (node:crypto), salted, the parameters kept in the stored string
 * so they can be raised later without breaking existing hashes:
 *
 *     scrypt$131072$8$1$<salt base64url>$<hash base64url>
 *
 * A hash made with other parameters (the first app's N=2^15) still verifies; {@link hashParams}
 * tells the caller so it can re-hash with today's parameters on a successful log-in.
 *
 * @example
 *   const stored = await hashPassword('correct horse');
 *   await verifyPassword('correct horse', stored);   // true
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * OWASP's minimum (2023): N=2^17, r=8, p=1 — 128 MiB of memory and about half a second of one
 * core per hash. PASSWORD_HASH_COST (config.ts) sets N; see {@link scryptParams}.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
/**
 * The most memory one hash may take, 128·N·r·p bytes: twice today's 128 MiB. A stored hash that
 * names more (a forged or corrupt row, N=2^20 with r·p=64 would be 8 GiB) is not one of ours.
 */
export const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const KEY_LENGTH = 32;
/** The longest password anyone can have (sign-up and `vitrina user set-password` refuse longer): longer cannot match. */
export const MAX_PASSWORD_LENGTH = 200;
const SALT_LENGTH = 16;

/** The parameters for a cost of log2 N (PASSWORD_HASH_COST). */
export function scryptParams(cost: number): ScryptParams {
  return { ...DEFAULT_SCRYPT, N: 2 ** cost };
}

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r·p bytes; Node refuses anything over `maxmem` (32 MiB by default).
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * params.p + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** The parameters a stored hash was made with, or undefined when it is not one of ours. */
export function hashParams(stored: string): ScryptParams | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || 128 * N * r * p > MAX_SCRYPT_MEMORY) return undefined;
  return { N, r, p };
}

export function sameParams(a: ScryptParams, b: ScryptParams): boolean {
  return a.N === b.N && a.r === b.r && a.p === b.p;
}

/** Compares in constant time; a malformed stored string is simply "no match". */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = hashParams(stored);
  if (params === undefined) return false;
  const parts = stored.split('$');
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scrypt(password, salt, params);
  return timingSafeEqual(actual, expected);
}

/**
 * A real hash of nothing anyone knows, with the given parameters, verified against when an email
 * is unknown so that a log-in attempt takes the same time whether or not the account exists.
 */
const dummies = new Map<string, Promise<string>>();
export function dummyPasswordHash(params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const key = `${params.N}$${params.r}$${params.p}`;
  let dummy = dummies.get(key);
  if (dummy === undefined) {
    dummy = hashPassword(randomBytes(16).toString('hex'), params);
    dummies.set(key, dummy);
  }
  return dummy;
}
