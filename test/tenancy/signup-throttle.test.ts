/**
 * Sign-up cannot keep the password hasher busy (the review of issue 13): a taken email is
 * answered before any hash, sign-ups are throttled per client address (IPv6 by its /64), and
 * a sign-up may not take the hasher's last waiting turns (login-throttle.test.ts). The clock is
 * moved, never waited on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { PasswordHashing } from '../../src/tenancy/password-hashing.js';
import { SignUpThrottle } from '../../src/tenancy/signup-throttle.js';
import { signUp } from '../../src/tenancy/tenancy.service.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { useTestDatabase } from '../support/database.js';
import { WebClient, type WebResponse } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';

describe.each(['pglite'] as const)('sign-up on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('a taken email is refused (Conflict) before the password is hashed', async () => {
    const passwords = new PasswordHashing({ N: 1024, r: 8, p: 1 });
    const hash = vi.spyOn(passwords, 'hash');
    await signUp(t.db, { tenantName: 'Ana', email: 'ana@signup.test', password: PASSWORD }, { passwords });
    expect(hash).toHaveBeenCalledTimes(1);
    const taken = await signUp(t.db, { tenantName: 'Ana 2', email: 'ANA@signup.test', password: PASSWORD }, { passwords }).catch(
      (err: unknown) => err,
    );
    expect(isAppError(taken, 'Conflict')).toBe(true);
    expect(hash).toHaveBeenCalledTimes(1);
    expect(await t.db.selectFrom('tenants').select('name').execute()).toEqual([{ name: 'Ana' }]);
  });

  it('SignUpThrottle: 10 sign-ups per address (an IPv6 /64 is one), then one an hour after the attempt before', async () => {
    const clock = { ms: 1_700_000_000_000 };
    const throttle = new SignUpThrottle(t.db, { now: () => clock.ms });
    for (let i = 1; i <= 10; i++) expect(await throttle.admit(`2001:db8:5:6::${i}`)).toBe(0);
    expect(await throttle.admit('2001:db8:5:6:ffff::1')).toBe(3600);
    expect(await throttle.admit('2001:db8:5:7::1')).toBe(0);
    clock.ms += 3600 * 1000;
    expect(await throttle.admit('2001:db8:5:6::1')).toBe(0);
  });
});

describe('sign-up throttling over HTTP (pglite+local)', () => {
  const clock = { ms: Date.now() };
  let t: TestApp;

  beforeAll(async () => {
    // The default limit (the harness raises it for the rest of the suite).
    t = await startTestApp('pglite+local', { now: () => clock.ms, env: { SIGNUPS_PER_HOUR: undefined } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function signUpFrom(address: string, email: string, headers?: Record<string, string>): Promise<WebResponse> {
    const web = new WebClient(t.app, headers, address);
    await web.get('/signup');
    return web.postForm('/signup', { tenant_name: 'Shop', email, password: PASSWORD, _csrf: web.csrf() });
  }

  it('the 11th sign-up from one address in an hour: 429 with Retry-After and when to try again; other addresses sign up; an hour later it works', async () => {
    expect((await signUpFrom('203.0.113.40', 'first@signup.test')).statusCode).toBe(302);
    // A taken email costs no hash, but counts.
    for (let i = 0; i < 9; i++) {
      const res = await signUpFrom('203.0.113.40', 'first@signup.test');
      expect([res.statusCode, res.body.includes('This email is already registered')]).toEqual([200, true]);
    }
    const refused = await signUpFrom('203.0.113.40', 'second@signup.test');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('3600');
    expect(refused.body).toContain('Too many sign-ups from your network. Try again in 60 minutes');
    expect(refused.body).toContain('action="/signup"');
    const es = await signUpFrom('203.0.113.40', 'second@signup.test', { accept: 'text/html', 'accept-language': 'es' });
    expect(es.body).toContain('Demasiados registros desde tu red. Inténtalo de nuevo dentro de 60 minutos');
    expect(await t.runtime.db.selectFrom('users').select('email').where('email', '=', 'second@signup.test').execute()).toEqual([]);

    expect((await signUpFrom('198.51.100.41', 'second@signup.test')).statusCode).toBe(302);
    clock.ms += 3600 * 1000;
    expect((await signUpFrom('203.0.113.40', 'third@signup.test')).statusCode).toBe(302);
  });
});
