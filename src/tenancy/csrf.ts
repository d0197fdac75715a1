/**
 * CSRF tokens for the `_csrf` hidden field, stateless like sessions: an HMAC under the app
 * secret over a binding and a random nonce.
 *
 * The binding ties a token to one browser: for a logged-in user, {@link sessionBinding} of their
 * session; before log-in (the log-in and sign-up forms), a random id kept in a cookie
 * ({@link newPreSessionId}). A token issued for one binding fails for every other. The nonce
 * makes each rendered token different, so a page never repeats a secret byte-for-byte (BREACH).
 *
 * @example
 *   const token = issueCsrf(secret, sessionBinding(session));
 *   verifyCsrf(secret, sessionBinding(session), body._csrf);   // true
 */
import { randomBytes } from 'node:crypto';
import { hmac, purposeKey, sameMac } from './hmac.js';
import type { Session } from './session.js';

/** The binding for a logged-in session: changes at every log-in. */
export function sessionBinding(session: Pick<Session, 'userId' | 'tenantId' | 'issuedAt'>): string {
  return `s:${session.tenantId}:${session.userId}:${session.issuedAt}`;
}

/** A random id for a browser without a session; keep it in a cookie and use `pre:<id>` as the binding. */
export function newPreSessionId(): string {
  return randomBytes(18).toString('base64url');
}

export function preSessionBinding(id: string): string {
  return `pre:${id}`;
}

export function issueCsrf(secret: string, binding: string): string {
  const nonce = randomBytes(12).toString('base64url');
  return `${nonce}.${hmac(purposeKey(secret, 'csrf'), `${binding}\n${nonce}`)}`;
}

/** True only for a token issued with this secret for this binding; constant-time. */
export function verifyCsrf(secret: string, binding: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length > 200) return false;
  const [nonce, mac, extra] = token.split('.');
  if (!nonce || !mac || extra !== undefined) return false;
  return sameMac(mac, hmac(purposeKey(secret, 'csrf'), `${binding}\n${nonce}`));
}
