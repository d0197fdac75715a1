/**
 * Log-in throttling (issue 13, finding 3, and the review after it): repeated failures make the
 * next attempt wait, across instances (the database is the shared state), refused before any
 * password is hashed; attempts are counted before hashing, so parallel guesses cannot all pass
 * on one count; the delay is the attacker's (account and address prefix), never the owner's
 * elsewhere; a burst of log-ins is refused quickly rather than filling the thread pool. The
 * clock is moved, never waited on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { DEFAULT_THROTTLE, LoginThrottle, throttleDelayMs } from '../../src/tenancy/login-throttle.js';
import { PasswordHashing } from '../../src/tenancy/password-hashing.js';
import { hashParams, hashPassword, scryptParams, verifyPassword } from '../../src/tenancy/password.js';
import { authenticate } from '../../src/tenancy/tenancy.service.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { useTestDatabase } from '../support/database.js';
import { WebClient, type WebResponse } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';
/** Attempts an account may make from one address before one must wait: the free failures and the one after. */
const ALLOWANCE = DEFAULT_THROTTLE.accountFreeFailures + 1;

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
    for (const name of ['ana', 'bea', 'cai']) await new WebClient(a.app).signUp(`${name} Shop`, `${name}@throttle.test`, PASSWORD);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function attempt(web: WebClient, email: string, password: string): Promise<WebResponse> {
    await web.get('/login');
    return web.postForm('/login', { email, password, _csrf: web.csrf() });
  }

  it('30 wrong passwords from one address: throttled (429, Retry-After, a message saying when), the right password from there refused; the owner from another address, and another account, log in; after the wait it works', async () => {
    const attacker = new WebClient(a.app, undefined, '203.0.113.7');
    const statuses: number[] = [];
    let last!: WebResponse;
    for (let i = 0; i < 30; i++) {
      last = await attempt(attacker, 'ana@throttle.test', `wrong password ${i}`);
      statuses.push(last.statusCode);
    }
    // Five free failures, the sixth sets a 1 s wait; every attempt counts, so hammering only lengthens it.
    expect(statuses.slice(0, ALLOWANCE)).toEqual(Array(ALLOWANCE).fill(200));
    expect(new Set(statuses.slice(ALLOWANCE))).toEqual(new Set([429]));
    expect(last.headers['retry-after']).toBe(String(15 * 60));
    expect(last.body).toContain('Too many failed log-ins. Try again in 15 minutes');
    expect(last.body).toContain('action="/login"');

    // The right password from the attacker's address: refused while throttled — on either instance.
    for (const app of [a.app, b.app]) {
      const there = new WebClient(app, undefined, '203.0.113.7');
      expect((await attempt(there, 'ana@throttle.test', PASSWORD)).statusCode).toBe(429);
      expect(there.cookies.has('vitrina_session')).toBe(false);
    }
    // Spanish, when the browser asks for it.
    const es = new WebClient(a.app, { accept: 'text/html', 'accept-language': 'es' }, '203.0.113.7');
    expect((await attempt(es, 'ana@throttle.test', PASSWORD)).body).toContain(
      'Demasiados intentos fallidos. Inténtalo de nuevo dentro de 15 minutos',
    );

    // The owner, from elsewhere, with the right password, on either instance: logged in.
    for (const app of [a.app, b.app]) {
      const owner = new WebClient(app, undefined, '198.51.100.20');
      const ok = await attempt(owner, 'ana@throttle.test', PASSWORD);
      expect([ok.statusCode, ok.headers.location]).toEqual([302, '/products']);
    }
    // Another account from another address logs in as usual.
    const bea = new WebClient(b.app, undefined, '198.51.100.30');
    expect((await attempt(bea, 'bea@throttle.test', PASSWORD)).headers.location).toBe('/products');

    // After the wait, the right password works from the attacker's address too.
    clock.ms += 15 * 60 * 1000;
    const later = await attempt(new WebClient(b.app, undefined, '203.0.113.7'), 'ana@throttle.test', PASSWORD);
    expect([later.statusCode, later.headers.location]).toEqual([302, '/products']);
  });

  it('20 wrong log-ins in parallel for one account from one address: only the allowance is hashed, the rest refused unhashed (429)', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        attempt(new WebClient(a.app, undefined, '203.0.113.99'), 'cai@throttle.test', `guess ${i}`),
      ),
    );
    const statuses = attempts.map((r) => r.statusCode);
    // "Wrong email or password" (200) is answered only after a hash; 429 before one.
    expect(statuses.filter((s) => s === 200)).toHaveLength(ALLOWANCE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - ALLOWANCE);
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
  const rows = () => t.db.selectFrom('throttle_counts').select(['key', 'attempts']).orderBy('key').execute();

  /** A wrong password, as the route handles it: admitted or not, and counted as failed when it was hashed. */
  async function wrong(throttle: LoginThrottle, who: { email: string; address: string }): Promise<number> {
    const wait = await throttle.admit(who);
    if (wait === 0) await throttle.failed(who);
    return wait;
  }

  it('throttles an address after its free failures, whatever the accounts; other addresses go on; a success takes back only itself', async () => {
    const clock = { ms: 1_700_000_000_000 };
    const throttle = new LoginThrottle(t.db, { now: () => clock.ms });
    for (let i = 0; i <= DEFAULT_THROTTLE.addressFreeFailures; i++)
      expect(await wrong(throttle, { email: `guess-${i}@x.test`, address: '203.0.113.9' })).toBe(0);
    expect(await throttle.admit({ email: 'someone@x.test', address: '203.0.113.9' })).toBe(1);
    expect(await throttle.admit({ email: 'someone@x.test', address: '203.0.113.10' })).toBe(0);
    // A success does not clear an address's count (guesses could hide between log-ins to one's own account).
    clock.ms += 2000;
    expect(await throttle.admit({ email: 'mine@x.test', address: '203.0.113.9' })).toBe(0);
    await throttle.succeeded({ email: 'mine@x.test', address: '203.0.113.9' });
    expect(await throttle.admit({ email: 'mine@x.test', address: '203.0.113.9' })).toBeGreaterThan(0);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as its IPv4 address', async () => {
    const clock = { ms: 1_700_000_000_000 };
    const throttle = new LoginThrottle(t.db, { now: () => clock.ms });
    // A fresh address of the same /64 for every guess, and a fresh account: still one client.
    for (let i = 0; i <= DEFAULT_THROTTLE.addressFreeFailures; i++)
      expect(await wrong(throttle, { email: `v6-${i}@x.test`, address: `2001:db8:7:8::${(i + 1).toString(16)}` })).toBe(0);
    expect(await throttle.admit({ email: 'v6-next@x.test', address: '2001:db8:7:8:ffff:1:2:3' })).toBe(1);
    expect(await throttle.admit({ email: 'v6-next@x.test', address: '2001:db8:7:9::1' })).toBe(0);

    for (let i = 0; i < ALLOWANCE; i++) expect(await wrong(throttle, { email: 'mapped@x.test', address: '::ffff:198.51.100.9' })).toBe(0);
    expect(await throttle.admit({ email: 'mapped@x.test', address: '198.51.100.9' })).toBe(1);
  });

  it('attempts at the same moment get their own counts: of 20 in parallel, only the allowance is admitted', async () => {
    const throttle = new LoginThrottle(t.db, { now: () => 1_700_000_000_000 });
    const waits = await Promise.all(Array.from({ length: 20 }, () => throttle.admit({ email: 'race@x.test', address: '203.0.113.60' })));
    expect(waits.filter((w) => w === 0)).toHaveLength(ALLOWANCE);
    expect((await rows()).find((r) => r.key === 'account-address:203.0.113.60|race@x.test')?.attempts).toBe(20);
  });

  it("an attacker's failures delay the attacker: the owner from another address is admitted; past 100 failures from everywhere, each address once a minute", async () => {
    const clock = { ms: 1_700_000_000_000 };
    const throttle = new LoginThrottle(t.db, { now: () => clock.ms });
    for (let i = 0; i < 40; i++) await wrong(throttle, { email: 'owner@x.test', address: '203.0.113.70' });
    expect(await throttle.admit({ email: 'owner@x.test', address: '203.0.113.70' })).toBe(15 * 60);
    expect(await throttle.admit({ email: 'owner@x.test', address: '198.51.100.70' })).toBe(0);
    await throttle.succeeded({ email: 'owner@x.test', address: '198.51.100.70' });

    // Guessing spread over 100 addresses, each within its free failures: the safeguard.
    for (let i = 0; i < DEFAULT_THROTTLE.accountWideFailures; i++)
      expect(await wrong(throttle, { email: 'wide@x.test', address: `192.0.2.${i + 1}` })).toBe(0);
    const home = { email: 'wide@x.test', address: '198.51.100.80' };
    expect(await throttle.admit(home)).toBe(0);
    expect(await throttle.admit(home)).toBe(60);
    clock.ms += 60 * 1000;
    expect(await throttle.admit(home)).toBe(0);
    // Other accounts are not spaced out.
    expect(await throttle.admit({ email: 'calm@x.test', address: '198.51.100.80' })).toBe(0);
    expect(await throttle.admit({ email: 'calm@x.test', address: '198.51.100.80' })).toBe(0);
  });

  it('waits at most 15 minutes, forgets a count a day after its last attempt, and removes stale rows as attempts come', async () => {
    await t.db.deleteFrom('throttle_counts').execute();
    const clock = { ms: 1_700_000_000_000 };
    const throttle = new LoginThrottle(t.db, { now: () => clock.ms });
    const who = { email: 'Slow@X.test', address: '203.0.113.50' };
    for (let i = 0; i < 40; i++) await wrong(throttle, who);
    expect(await throttle.admit({ ...who, email: 'slow@x.test' })).toBe(15 * 60);
    clock.ms += 15 * 60 * 1000;
    expect(await throttle.admit(who)).toBe(0);

    // A day of keys nobody adds to, then one attempt a day later: its count starts over, and the
    // stale rows go, a batch per attempt, without any log-in succeeding.
    await t.db
      .insertInto('throttle_counts')
      .values(Array.from({ length: 30 }, (_, i) => ({ key: `address:198.18.0.${i}`, attempts: 3, last_at: new Date(clock.ms) })))
      .execute();
    clock.ms += DEFAULT_THROTTLE.forgetAfterMs + 1;
    await wrong(throttle, who);
    expect((await rows()).find((r) => r.key === 'account-address:203.0.113.50|slow@x.test')?.attempts).toBe(1);
    await wrong(throttle, { email: 'next@x.test', address: '203.0.113.51' });
    await wrong(throttle, { email: 'next@x.test', address: '203.0.113.51' });
    expect((await rows()).filter((r) => r.key.startsWith('address:198.18.'))).toEqual([]);
  });
});

describe('password hashing', () => {
  it('refuses at once (Unavailable) past its waiting room instead of queueing without end', async () => {
    const passwords = new PasswordHashing(scryptParams(14), { concurrency: 1, maxWaiting: 1 });
    const stored = await hashPassword('x', { N: 1024, r: 8, p: 1 });
    const running = [passwords.verify('x', stored), passwords.verify('x', stored)];
    // Refused at once: settled before either hash already running or waiting has finished.
    const first = await Promise.race([
      passwords.verify('x', stored).then(
        () => 'hashed',
        (err: unknown) => err,
      ),
      Promise.all(running).then(() => 'the others finished first'),
    ]);
    expect(isAppError(first, 'Unavailable')).toBe(true);
    expect(await Promise.all(running)).toEqual([
      { ok: true, rehash: true },
      { ok: true, rehash: true },
    ]);
  });

  it('keeps half the waiting room for log-ins: a sign-up hash is refused once it is half full, a log-in still waits', async () => {
    const passwords = new PasswordHashing({ N: 1024, r: 8, p: 1 }, { concurrency: 1, maxWaiting: 4 });
    const stored = await hashPassword('x', { N: 1024, r: 8, p: 1 });
    // One running and two waiting: half the room.
    const logIns = [passwords.verify('x', stored), passwords.verify('x', stored), passwords.verify('x', stored)];
    const signUp = await passwords.hash('a new password', { signUp: true }).catch((err: unknown) => err);
    expect(isAppError(signUp, 'Unavailable')).toBe(true);
    logIns.push(passwords.verify('x', stored));
    expect((await Promise.all(logIns)).map((c) => c.ok)).toEqual([true, true, true, true]);
    // Once the room empties, sign-ups hash again.
    expect(hashParams(await passwords.hash('a new password', { signUp: true }))).toEqual({ N: 1024, r: 8, p: 1 });
  });

  it('a stored hash that would take more than 256 MiB is not one of ours (refused unhashed), up to 256 MiB it is', async () => {
    const tail = '$c2FsdHNhbHRzYWx0c2FsdA$' + 'A'.repeat(43);
    expect(hashParams(`scrypt$${2 ** 20}$64$1${tail}`)).toBeUndefined(); // 8 GiB
    expect(hashParams(`scrypt$${2 ** 20}$8$1${tail}`)).toBeUndefined(); // 1 GiB
    expect(hashParams(`scrypt$${2 ** 17}$8$4${tail}`)).toBeUndefined(); // 512 MiB
    expect(hashParams(`scrypt$${2 ** 14}$8$1000${tail}`)).toBeUndefined(); // 16 GB through p
    expect(hashParams(`scrypt$${2 ** 18}$8$1${tail}`)).toEqual({ N: 2 ** 18, r: 8, p: 1 }); // 256 MiB
    // Refused unhashed: an 8 GiB scrypt would fail or take minutes, not answer false.
    expect(await verifyPassword('x', `scrypt$${2 ** 20}$64$1${tail}`)).toBe(false);
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
