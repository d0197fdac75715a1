/**
 * CSRF tokens for the `_csrf` hidden field, stateless like the session cookie's signature: an
 * HMAC under the app secret over a binding, the time of issue and a random nonce.
 *
 *     <issued-at, Unix seconds>.<nonce>.<mac>
 *
 * The binding ties a token to one browser: for a logged-in user, {@link sessionBinding} of their
 * session; before log-in (the log-in and sign-up forms), a random id kept in a cookie
 * ({@link newPreSessionId}). A token issued for one binding fails for every other. A token is
 * good for {@link CSRF_TTL_SECONDS} (a form left open overnight is shown again, to be sent once
 * more). The nonce makes each rendered token different, so a page never repeats a secret
 * byte-for-byte (BREACH).
 *
 * @example
 *   const token = issueCsrf(secret, sessionBinding(session));
 *   verifyCsrf(secret, sessionBinding(session), body._csrf);   // true
 */
import { randomBytes } from 'node:crypto';
import { hmac, purposeKey, sameMac } from './hmac.js';
import type { Session } from './session.js';

/** Twelve hours: a working day with the form open, not a token that works for ever. */
export const CSRF_TTL_SECONDS = 12 * 3600;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The binding for a logged-in session: a new one at every log-in. */
export function sessionBinding(session: Pick<Session, 'id'>): string {
  return `s:${session.id}`;
}

/** A random id for a browser without a session; keep it in a cookie and use `pre:<id>` as the binding. */
export function newPreSessionId(): string {
  return randomBytes(18).toString('base64url');
}

export function preSessionBinding(id: string): string {
  return `pre:${id}`;
}

function mac(secret: string, binding: string, issuedAt: string, nonce: string): string {
  return hmac(purposeKey(secret, 'csrf'), `${binding}\n${issuedAt}\n${nonce}`);
}

export function issueCsrf(secret: string, binding: string, now: number = nowSeconds()): string {
  const nonce = randomBytes(12).toString('base64url');
  const issuedAt = String(now);
  return `${issuedAt}.${nonce}.${mac(secret, binding, issuedAt, nonce)}`;
}

/** True only for a token issued with this secret for this binding within the last 12 hours; constant-time. */
export function verifyCsrf(secret: string, binding: string, token: unknown, now: number = nowSeconds()): boolean {
  if (typeof token !== 'string' || token.length > 200) return false;
  const [issuedAt, nonce, given, extra] = token.split('.');
  if (!issuedAt || !nonce || !given || extra !== undefined || !/^\d{1,12}$/.test(issuedAt)) return false;
  const age = now - Number(issuedAt);
  // A little slack for a clock behind another instance's.
  if (age >= CSRF_TTL_SECONDS || age < -300) return false;
  return sameMac(given, mac(secret, binding, issuedAt, nonce));
}
