/**
 * Stateless sessions: the cookie value is the session, signed with HMAC-SHA256 under the app
 * secret, so any instance holding the same SECRET_KEY can serve any request.
 *
 *     <base64url(JSON {userId, tenantId, issuedAt, expires})>.<base64url(mac)>
 *
 * Times are Unix seconds. Being stateless, a session cannot be revoked before it expires
 * (log-out clears the cookie); keep the lifetime modest.
 *
 * @example
 *   const cookie = signSession(secret, { userId: 7, tenantId: 42 });
 *   verifySession(secret, cookie);   // { userId: 7, tenantId: 42, issuedAt, expires } or undefined
 */
import { hmac, purposeKey, sameMac } from './hmac.js';

export interface Session {
  readonly userId: number;
  readonly tenantId: number;
  /** Unix seconds. */
  readonly issuedAt: number;
  /** Unix seconds. */
  readonly expires: number;
}

/** Seven days. */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function signSession(
  secret: string,
  who: { userId: number; tenantId: number },
  options: { ttlSeconds?: number; now?: number } = {},
): string {
  const issuedAt = options.now ?? nowSeconds();
  const session: Session = {
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
  if (!ints.every((n) => Number.isSafeInteger(n))) return undefined;
  const session = s as Session;
  if (session.expires <= now || session.issuedAt > now + 300) return undefined;
  return { userId: session.userId, tenantId: session.tenantId, issuedAt: session.issuedAt, expires: session.expires };
}
