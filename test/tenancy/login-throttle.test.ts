/**
 * Log-in throttling (issue 13, finding 3): repeated failures for an account or from an address
 * make the next attempt wait, across instances (the database is the shared state), refused
 * before any password is hashed; and a burst of log-ins is refused quickly rather than filling
 * the thread pool. The clock is moved, never waited on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { DEFAULT_THROTTLE, LoginThrottle, throttleDelayMs } from '../../src/tenancy/login-throttle.js';
import { PasswordHashing } from '../../src/tenancy/password-hashing.js';
import { hashParams, hashPassword, scryptParams } from '../../src/tenancy/password.js';
import { authenticate } from '../../src/tenancy/tenancy.service.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { useTestDatabase } from '../support/database.js';
import { WebClient, type WebResponse } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';

describe('throttleDelayMs', () => {
  it('is free for the first failures, then doubles from 1 s up to 15 minutes', () => {
    const free = DEFAULT_THROTTLE.accountFreeFailures;
    expect([0, 1, free].map((n) => throttleDelayMs(n, free))).toEqual([0, 0, 0]);
    expect([1, 2, 3, 4, 10].map((k) => throttleDelayMs(free + k, free))).toEqual([1000, 2000, 4000, 8000, 512_000]);
    expect(throttleDelayMs(free + 11, free)).toBe(15 * 60 * 1000);
    expect(throttleDelayMs(1_000_000, free)).toBe(15 * 60 * 1000);
  });
});

describe('log-in throttling over HTTP, two instances on one database (postgres+s3)', () => {
  const clock = { ms: Date.now() };
  const now = () => clock.ms;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp('postgres+s3', { now });
    b = await startTestApp('postgres+s3', { now, database: a.database, shareStorageWith: a });
    await new WebClient(a.app).signUp('Ana Shop', 'ana@throttle.test', PASSWORD);
    await new WebClient(a.app).signUp('Bea Shop', 'bea@throttle.test', PASSWORD);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function attempt(web: WebClient, email: string, password: string): Promise<WebResponse> {
    await web.get('/login');
    return web.postForm('/login', { email, password, _csrf: web.csrf() });
  }

  it('30 wrong passwords: throttled (429, Retry-After, a message saying when); the right password refused while throttled; another account from another address unaffected; after the wait it works', async () => {
    const attacker = new WebClient(a.app, undefined, '203.0.113.7');
    const statuses: number[] = [];
    let last!: WebResponse;
    for (let i = 0; i < 30; i++) {
      last = await attempt(attacker, 'ana@throttle.test', `wrong password ${i}`);
      statuses.push(last.statusCode);
    }
    // Five free failures, the sixth sets a 1 s wait, and every attempt in it is refused unhashed.
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(statuses.slice(6))).toEqual(new Set([429]));
    expect(last.headers['retry-after']).toBe('1');
    expect(last.body).toContain('Too many failed log-ins. Try again in 1 second');
    expect(last.body).toContain('action="/login"');

    // The owner, from elsewhere, with the right password: still refused — on either instance.
    for (const app of [a.app, b.app]) {
      const owner = new WebClient(app, undefined, '198.51.100.20');
      const refused = await attempt(owner, 'ana@throttle.test', PASSWORD);
      expect(refused.statusCode).toBe(429);
      expect(owner.cookies.has('vitrina_session')).toBe(false);
    }
    // Another account from another address logs in as usual.
    const bea = new WebClient(b.app, undefined, '198.51.100.30');
    expect((await attempt(bea, 'bea@throttle.test', PASSWORD)).headers.location).toBe('/products');

    // Spanish, when the browser asks for it.
    const es = new WebClient(a.app, { accept: 'text/html', 'accept-language': 'es' }, '198.51.100.40');
    expect((await attempt(es, 'ana@throttle.test', PASSWORD)).body).toContain(
      'Demasiados intentos fallidos. Inténtalo de nuevo dentro de 1 segundo',
    );

    // Only the failures that were checked count: the wait is still the first one.
    clock.ms += 1000;
    const owner = new WebClient(b.app, undefined, '198.51.100.20');
    const ok = await attempt(owner, 'ana@throttle.test', PASSWORD);
    expect([ok.statusCode, ok.headers.location]).toEqual([302, '/products']);
    // Success cleared the account's count: one more mistake is free again.
    expect((await attempt(new WebClient(a.app), 'ana@throttle.test', 'wrong again')).statusCode).toBe(200);
  });

  it('a burst of log-ins hashing at once: the excess is refused at once with 503 and a message, never a 500', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const web = new WebClient(a.app, undefined, `192.0.2.${i + 1}`);
        await web.get('/login');
        return web.postForm('/login', { email: `nobody-${i}@throttle.test`, password: 'not a password', _csrf: web.csrf() });
      }),
    );
    const statuses = attempts.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    const busy = attempts.filter((r) => r.statusCode === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]!.headers['retry-after']).toBe('2');
    expect(busy[0]!.body).toContain('Too many people are logging in right now. Try again in a few seconds');
  });
});

describe.each(['postgres', 'pglite'] as const)('LoginThrottle on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('throttles an address after its free failures, whatever the accounts; other addresses go on', async () => {
    const clock = { ms: 1_700_000_000_000 };
    const throttle = new LoginThrottle(t.db, { now: () => clock.ms });
    for (let i = 0; i < DEFAULT_THROTTLE.addressFreeFailures; i++)
      await throttle.failed({ email: `guess-${i}@x.test`, address: '203.0.113.9' });
    expect(await throttle.waitSeconds({ email: 'someone@x.test', address: '203.0.113.9' })).toBe(0);
    await throttle.failed({ email: 'guess-last@x.test', address: '203.0.113.9' });
    expect(await throttle.waitSeconds({ email: 'someone@x.test', address: '203.0.113.9' })).toBe(1);
    expect(await throttle.waitSeconds({ email: 'someone@x.test', address: '203.0.113.10' })).toBe(0);
    // A success does not clear an address's count (guesses could hide between log-ins to one's own account).
    await throttle.succeeded({ email: 'mine@x.test', address: '203.0.113.9' });
    expect(await throttle.waitSeconds({ email: 'mine@x.test', address: '203.0.113.9' })).toBe(1);
  });

  it('waits at most 15 minutes, and forgets a count a day after its last failure', async () => {
    const clock = { ms: 1_700_000_000_000 };
    const throttle = new LoginThrottle(t.db, { now: () => clock.ms });
    const who = { email: 'Slow@X.test', address: '203.0.113.50' };
    for (let i = 0; i < 40; i++) await throttle.failed(who);
    expect(await throttle.waitSeconds({ ...who, email: 'slow@x.test' })).toBe(15 * 60);
    clock.ms += 15 * 60 * 1000;
    expect(await throttle.waitSeconds(who)).toBe(0);
    clock.ms += DEFAULT_THROTTLE.forgetAfterMs;
    await throttle.failed(who);
    expect(await t.db.selectFrom('login_failures').select('failures').where('key', '=', 'account:slow@x.test').executeTakeFirst()).toEqual({
      failures: 1,
    });
    // …and a log-in removes counts nobody has added to for a day.
    await throttle.succeeded({ email: 'other@x.test', address: '203.0.113.51' });
    const left = await t.db.selectFrom('login_failures').select('key').where('key', 'like', '%x.test').execute();
    expect(left.map((r) => r.key)).toEqual(['account:slow@x.test']);
  });
});

describe('password hashing', () => {
  it('refuses at once (Unavailable) past its waiting room instead of queueing without end', async () => {
    const passwords = new PasswordHashing(scryptParams(14), { concurrency: 1, maxWaiting: 1 });
    const stored = await hashPassword('x', { N: 1024, r: 8, p: 1 });
    const running = [passwords.verify('x', stored), passwords.verify('x', stored)];
    const started = performance.now();
    const refused = await passwords.verify('x', stored).catch((err: unknown) => err);
    expect(performance.now() - started).toBeLessThan(5);
    expect(isAppError(refused, 'Unavailable')).toBe(true);
    expect(await Promise.all(running)).toEqual([
      { ok: true, rehash: true },
      { ok: true, rehash: true },
    ]);
  });

  describe.each(['pglite'] as const)('re-hash on %s', (backend) => {
    const t = useTestDatabase(backend);

    it('an older N=2^15 hash still verifies and is re-hashed at N=2^17 on a successful log-in', async () => {
      const old = await hashPassword(PASSWORD, { N: 2 ** 15, r: 8, p: 1 });
      const tenant = await t.db.insertInto('tenants').values({ name: 'Old', slug: 'old' }).returning('id').executeTakeFirstOrThrow();
      await t.db.insertInto('users').values({ tenant_id: tenant.id, email: 'old@hash.test', password_hash: old }).execute();
      const passwords = new PasswordHashing(scryptParams(17));

      expect(await authenticate(t.db, 'old@hash.test', 'wrong password', { passwords })).toBeUndefined();
      expect((await t.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow()).password_hash).toBe(old);
      expect((await authenticate(t.db, 'old@hash.test', PASSWORD, { passwords }))?.email).toBe('old@hash.test');
      const fresh = (await t.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow()).password_hash;
      expect(hashParams(fresh)).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    });
  });
});
