import { describe, expect, it } from 'vitest';
import { CSRF_TTL_SECONDS, issueCsrf, newPreSessionId, preSessionBinding, sessionBinding, verifyCsrf } from '../../src/tenancy/csrf.js';
import { hmac, purposeKey } from '../../src/tenancy/hmac.js';
import { DEFAULT_SCRYPT, hashParams, hashPassword, verifyPassword } from '../../src/tenancy/password.js';
import { newSessionId, signSession, verifySession } from '../../src/tenancy/session.js';

const SECRET = 'x'.repeat(64);
const OTHER = 'y'.repeat(64);

describe('sessions', () => {
  const id = newSessionId();

  it('verifies what it signed', () => {
    const value = signSession(SECRET, { id, userId: 7, tenantId: 42 }, { now: 1_000, ttlSeconds: 60 });
    expect(verifySession(SECRET, value, 1_030)).toEqual({ id, userId: 7, tenantId: 42, issuedAt: 1_000, expires: 1_060 });
  });

  it('refuses tampered, foreign-secret, malformed and expired values', () => {
    const value = signSession(SECRET, { id, userId: 7, tenantId: 42 }, { now: 1_000, ttlSeconds: 60 });
    const [body, mac] = value.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ id, userId: 7, tenantId: 43, issuedAt: 1_000, expires: 1_060 })).toString('base64url');
    expect(verifySession(SECRET, `${forged}.${mac}`, 1_030)).toBeUndefined();
    expect(verifySession(SECRET, `${body}.${mac.slice(0, -2)}AA`, 1_030)).toBeUndefined();
    expect(verifySession(OTHER, value, 1_030)).toBeUndefined();
    expect(verifySession(SECRET, value, 1_060)).toBeUndefined();
    for (const junk of [undefined, '', 'abc', `${value}.x`, '.', 'a.b']) expect(verifySession(SECRET, junk, 1_030)).toBeUndefined();
  });

  it('refuses a stateless cookie from before sessions had ids, though its signature is good', () => {
    const body = Buffer.from(JSON.stringify({ userId: 7, tenantId: 42, issuedAt: 1_000, expires: 1_060 })).toString('base64url');
    const signed = signSession(SECRET, { id, userId: 7, tenantId: 42 }, { now: 1_000, ttlSeconds: 60 });
    expect(verifySession(SECRET, signed, 1_030)).toBeDefined();
    // Same secret, same purpose key: only the missing id refuses it.
    expect(verifySession(SECRET, `${body}.${hmac(purposeKey(SECRET, 'session'), body)}`, 1_030)).toBeUndefined();
  });
});

describe('CSRF tokens', () => {
  const session = { id: newSessionId() };
  const NOW = 1_700_000_000;

  it('verify for the binding they were issued for, and differ on every issue', () => {
    const a = issueCsrf(SECRET, sessionBinding(session), NOW);
    const b = issueCsrf(SECRET, sessionBinding(session), NOW);
    expect(a).not.toBe(b);
    expect(verifyCsrf(SECRET, sessionBinding(session), a, NOW)).toBe(true);
    expect(verifyCsrf(SECRET, sessionBinding(session), b, NOW + 60)).toBe(true);
  });

  it('fail across sessions, for another secret, and when tampered with', () => {
    const token = issueCsrf(SECRET, sessionBinding(session), NOW);
    expect(verifyCsrf(SECRET, sessionBinding({ id: newSessionId() }), token, NOW)).toBe(false);
    expect(verifyCsrf(OTHER, sessionBinding(session), token, NOW)).toBe(false);
    const [issuedAt, nonce, mac] = token.split('.') as [string, string, string];
    expect(verifyCsrf(SECRET, sessionBinding(session), `${issuedAt}.${nonce}x.${mac}`, NOW)).toBe(false);
    // A later issue time (to stretch the lifetime) breaks the MAC.
    expect(verifyCsrf(SECRET, sessionBinding(session), `${NOW + 3600}.${nonce}.${mac}`, NOW + 3600)).toBe(false);
    for (const junk of [undefined, 42, '', '.', '..', 'abc', `${token}.x`, `${nonce}.${mac}`])
      expect(verifyCsrf(SECRET, sessionBinding(session), junk, NOW)).toBe(false);
  });

  it('expire 12 hours after they were issued (and are not taken from the future)', () => {
    const token = issueCsrf(SECRET, sessionBinding(session), NOW);
    expect(CSRF_TTL_SECONDS).toBe(12 * 3600);
    expect(verifyCsrf(SECRET, sessionBinding(session), token, NOW + CSRF_TTL_SECONDS - 1)).toBe(true);
    expect(verifyCsrf(SECRET, sessionBinding(session), token, NOW + CSRF_TTL_SECONDS)).toBe(false);
    expect(verifyCsrf(SECRET, sessionBinding(session), token, NOW - 3600)).toBe(false);
  });

  it('bind pre-session forms to a random id', () => {
    const id = newPreSessionId();
    const token = issueCsrf(SECRET, preSessionBinding(id));
    expect(verifyCsrf(SECRET, preSessionBinding(id), token)).toBe(true);
    expect(verifyCsrf(SECRET, preSessionBinding(newPreSessionId()), token)).toBe(false);
  });
});

describe('passwords', () => {
  it('hash with a salt and verify in constant time', async () => {
    const params = { N: 1024, r: 8, p: 1 };
    const a = await hashPassword('pässword', params);
    const b = await hashPassword('pässword', params);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]{43}$/);
    expect(await verifyPassword('pässword', a)).toBe(true);
    expect(await verifyPassword('password', a)).toBe(false);
    expect(await verifyPassword('pässword', 'garbage')).toBe(false);
    expect(await verifyPassword('pässword', a.replace('$1024$', '$99999999$'))).toBe(false);
  });

  it('default to N=2^17, r=8, p=1 (OWASP), recorded in the hash', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(hashParams(stored)).toEqual(DEFAULT_SCRYPT);
  });
});
