/**
 * The session cookie: a session's id and who it is for, signed with HMAC-SHA256 under the app
 * secret, so a forged or tampered cookie is refused without a database query.
 *
 *     <base64url(JSON {id, userId, tenantId, issuedAt, expires})>.<base64url(mac)>
 *
 * Times are Unix seconds. The signature alone does not keep a session alive: the `sessions`
 * row named by `id` does (session-store.ts), so log-out, a password change or
 * `vitrina user sign-out-everywhere` end it on every instance.
 *
 * @example
 *   const cookie = signSession(secret, { id: newSessionId(), userId: 7, tenantId: 42 });
 *   verifySession(secret, cookie);   // { id, userId: 7, tenantId: 42, issuedAt, expires } or undefined
 */
import { randomBytes } from 'node:crypto';
import { hmac, purposeKey, sameMac } from './hmac.js';

export interface Session {
  /** The `sessions` row's id: 144 random bits. */
  readonly id: string;
  readonly userId: number;
  readonly tenantId: number;
  /** Unix seconds. */
  readonly issuedAt: number;
  /** Unix seconds. */
  readonly expires: number;
}

/** Seven days. */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

const SESSION_ID = /^[\w-]{24}$/;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function newSessionId(): string {
  return randomBytes(18).toString('base64url');
}

export function signSession(
  secret: string,
  who: { id: string; userId: number; tenantId: number },
  options: { ttlSeconds?: number; now?: number } = {},
): string {
  const issuedAt = options.now ?? nowSeconds();
  const session: Session = {
    id: who.id,
    userId: who.userId,
    tenantId: who.tenantId,
    issuedAt,
    expires: issuedAt + (options.ttlSeconds ?? SESSION_TTL_SECONDS),
  };
  const body = Buffer.from(JSON.stringify(session)).toString('base64url');
  return `${body}.${hmac(purposeKey(secret, 'session'), body)}`;
}

/** The session in a cookie value, or undefined when it is missing, malformed, tampered with or expired. */
export function verifySession(secret: string, value: string | undefined, now: number = nowSeconds()): Session | undefined {
  if (value === undefined || value.length > 2048) return undefined;
  const [body, mac, extra] = value.split('.');
  if (body === undefined || mac === undefined || extra !== undefined) return undefined;
  if (!sameMac(mac, hmac(purposeKey(secret, 'session'), body))) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const s = data as Partial<Session> | null;
  const ints = [s?.userId, s?.tenantId, s?.issuedAt, s?.expires];
  // A cookie signed before sessions had ids (a stateless one) names no row: log in again.
  if (!ints.every((n) => Number.isSafeInteger(n)) || typeof s?.id !== 'string' || !SESSION_ID.test(s.id)) return undefined;
  const session = s as Session;
  if (session.expires <= now || session.issuedAt > now + 300) return undefined;
  return { id: session.id, userId: session.userId, tenantId: session.tenantId, issuedAt: session.issuedAt, expires: session.expires };
}
