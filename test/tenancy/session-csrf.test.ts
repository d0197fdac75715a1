import { describe, expect, it } from 'vitest';
import { issueCsrf, newPreSessionId, preSessionBinding, sessionBinding, verifyCsrf } from '../../src/tenancy/csrf.js';
import { hashPassword, verifyPassword } from '../../src/tenancy/password.js';
import { signSession, verifySession } from '../../src/tenancy/session.js';

const SECRET = 'x'.repeat(64);
const OTHER = 'y'.repeat(64);

describe('sessions', () => {
  it('verifies what it signed', () => {
    const value = signSession(SECRET, { userId: 7, tenantId: 42 }, { now: 1_000, ttlSeconds: 60 });
    expect(verifySession(SECRET, value, 1_030)).toEqual({ userId: 7, tenantId: 42, issuedAt: 1_000, expires: 1_060 });
  });

  it('refuses tampered, foreign-secret, malformed and expired values', () => {
    const value = signSession(SECRET, { userId: 7, tenantId: 42 }, { now: 1_000, ttlSeconds: 60 });
    const [body, mac] = value.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ userId: 7, tenantId: 43, issuedAt: 1_000, expires: 1_060 })).toString('base64url');
    expect(verifySession(SECRET, `${forged}.${mac}`, 1_030)).toBeUndefined();
    expect(verifySession(SECRET, `${body}.${mac.slice(0, -2)}AA`, 1_030)).toBeUndefined();
    expect(verifySession(OTHER, value, 1_030)).toBeUndefined();
    expect(verifySession(SECRET, value, 1_060)).toBeUndefined();
    for (const junk of [undefined, '', 'abc', `${value}.x`, '.', 'a.b']) expect(verifySession(SECRET, junk, 1_030)).toBeUndefined();
  });
});

describe('CSRF tokens', () => {
  const session = { userId: 7, tenantId: 42, issuedAt: 1_000 };

  it('verify for the binding they were issued for, and differ on every issue', () => {
    const a = issueCsrf(SECRET, sessionBinding(session));
    const b = issueCsrf(SECRET, sessionBinding(session));
    expect(a).not.toBe(b);
    expect(verifyCsrf(SECRET, sessionBinding(session), a)).toBe(true);
    expect(verifyCsrf(SECRET, sessionBinding(session), b)).toBe(true);
  });

  it('fail across sessions, for another secret, and when tampered with', () => {
    const token = issueCsrf(SECRET, sessionBinding(session));
    expect(verifyCsrf(SECRET, sessionBinding({ ...session, userId: 8 }), token)).toBe(false);
    expect(verifyCsrf(SECRET, sessionBinding({ ...session, issuedAt: 1_001 }), token)).toBe(false);
    expect(verifyCsrf(OTHER, sessionBinding(session), token)).toBe(false);
    const [nonce, mac] = token.split('.') as [string, string];
    expect(verifyCsrf(SECRET, sessionBinding(session), `${nonce}x.${mac}`)).toBe(false);
    for (const junk of [undefined, 42, '', '.', 'abc', `${token}.x`]) expect(verifyCsrf(SECRET, sessionBinding(session), junk)).toBe(false);
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
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('pässword', a)).toBe(true);
    expect(await verifyPassword('password', a)).toBe(false);
    expect(await verifyPassword('pässword', 'garbage')).toBe(false);
    expect(await verifyPassword('pässword', a.replace('$1024$', '$99999999$'))).toBe(false);
  });
});
