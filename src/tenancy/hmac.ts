/**
 * HMAC-SHA256 with a key derived per purpose from the app secret, so a value signed for one
 * purpose (a session) can never pass as another (a CSRF token, a media URL).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function purposeKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`vitrina:${purpose}`).digest();
}

export function hmac(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}

/** Constant-time comparison of two base64url MACs. */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'base64url');
  const y = Buffer.from(b, 'base64url');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
