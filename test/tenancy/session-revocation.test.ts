/**
 * Sessions that really end (issue 13, finding 4): log-out, sign-out-everywhere and a password
 * change end sessions in the database, so a replayed cookie is refused — on this instance at
 * once, on another instance once its 5 s account cache runs out (the clock is moved, not waited).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signOutEverywhereCommand, setPasswordCommand } from '../../src/cli/commands/user-access.js';
import type { CommandIo, WithDb } from '../../src/cli/commands/command-io.js';
import { ACCOUNT_TTL_MS } from '../../src/tenancy/session-store.js';
import { PasswordHashing } from '../../src/tenancy/password-hashing.js';
import { scryptParams } from '../../src/tenancy/password.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { WebClient } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';

/** A clock the apps read and the test moves. */
function testClock() {
  const clock = { ms: Date.now() };
  return { clock, now: () => clock.ms };
}

/** A browser holding a copy of another's session cookie (a stolen or replayed cookie). */
function replay(target: TestApp, from: WebClient): WebClient {
  const copy = new WebClient(target.app);
  copy.cookies.set('vitrina_session', from.cookies.get('vitrina_session')!);
  return copy;
}

async function logIn(t: TestApp, email: string, password = PASSWORD): Promise<WebClient> {
  const web = new WebClient(t.app);
  await web.get('/login');
  const res = await web.postForm('/login', { email, password, _csrf: web.csrf() });
  expect([res.statusCode, res.headers.location]).toEqual([302, '/products']);
  return web;
}

const quiet = (): CommandIo & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, out: (s) => void lines.push(s), err: (s) => void lines.push(s) };
};

describe('sessions end on log-out (pglite+local)', () => {
  const { clock, now } = testClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('pglite+local', { now });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('log-out, then the old cookie replayed: refused with a redirect to /login, at once', async () => {
    const web = new WebClient(t.app);
    await web.signUp('Replay Shop', 'replay@shop.test', PASSWORD);
    const stolen = replay(t, web);
    expect((await stolen.get('/products')).statusCode).toBe(200);

    await web.get('/products');
    const out = await web.postForm('/logout', { _csrf: web.csrf() });
    expect([out.statusCode, out.headers.location]).toEqual([302, '/login']);
    expect(await t.runtime.db.selectFrom('sessions').select('id').execute()).toEqual([]);

    // Same instance, same moment: no waiting for the account cache.
    const again = await stolen.get('/products');
    expect([again.statusCode, again.headers.location]).toEqual([302, '/login?next=%2Fproducts']);
    // The dead cookie is dropped, and /login shows the form instead of bouncing back to /products.
    expect(again.cookies.find((c) => c.name === 'vitrina_session')?.value).toBe('');
    const replayedLogin = replay(t, web);
    const form = await replayedLogin.get('/login');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('action="/login"');
    // …and that form works: its CSRF token is bound to this browser, not to the ended session.
    const back = await replayedLogin.postForm('/login', { email: 'replay@shop.test', password: PASSWORD, _csrf: replayedLogin.csrf() });
    expect([back.statusCode, back.headers.location]).toEqual([302, '/products']);
  });

  it('a log-in from a browser that holds a session ends that session', async () => {
    const web = await logIn(t, 'replay@shop.test');
    const copy = replay(t, web);
    await web.get('/products');
    const relog = await web.postForm('/login', { email: 'replay@shop.test', password: PASSWORD, _csrf: web.csrf() });
    expect(relog.statusCode).toBe(302);
    expect((await web.get('/products')).statusCode).toBe(200);
    expect((await copy.get('/products')).statusCode).toBe(302);
  });

  it('cleans up expired sessions when someone logs in', async () => {
    await t.runtime.db
      .updateTable('sessions')
      .set({ expires_at: new Date(clock.ms - 1000) })
      .execute();
    await logIn(t, 'replay@shop.test');
    expect(await t.runtime.db.selectFrom('sessions').select('id').execute()).toHaveLength(1);
  });
});

describe('sign-out-everywhere and a password change (pglite+local)', () => {
  const { clock, now } = testClock();
  let t: TestApp;
  const withDb: WithDb = (work) => work(t.runtime.db);

  beforeAll(async () => {
    t = await startTestApp('pglite+local', { now });
    await new WebClient(t.app).signUp('Ana Shop', 'ana@everywhere.test', PASSWORD);
    await new WebClient(t.app).signUp('Bea Shop', 'bea@everywhere.test', PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sign-out-everywhere ends every session of that user and no one else's", async () => {
    const [ana1, ana2, bea] = [
      await logIn(t, 'ana@everywhere.test'),
      await logIn(t, 'ana@everywhere.test'),
      await logIn(t, 'bea@everywhere.test'),
    ];
    for (const web of [ana1, ana2, bea]) expect((await web.get('/products')).statusCode).toBe(200);

    const io = quiet();
    expect(await signOutEverywhereCommand({ email: 'ANA@everywhere.test' }, io, withDb)).toBe(0);
    expect(io.lines.join('')).toMatch(/^Signed ana@everywhere\.test out everywhere; [2-9] sessions ended\.\n$/);
    // The operator's command ran beside the app: the app notices when its cache runs out.
    clock.ms += ACCOUNT_TTL_MS;
    for (const web of [ana1, ana2]) expect((await web.get('/products')).headers.location).toBe('/login?next=%2Fproducts');
    expect((await bea.get('/products')).statusCode).toBe(200);
  });

  it("a password change ends every session of that user and no one else's; the new password works, the old does not", async () => {
    const [ana1, ana2, bea] = [
      await logIn(t, 'ana@everywhere.test'),
      await logIn(t, 'ana@everywhere.test'),
      await logIn(t, 'bea@everywhere.test'),
    ];
    const io = quiet();
    const passwords = new PasswordHashing(scryptParams(14));
    expect(await setPasswordCommand({ email: 'ana@everywhere.test' }, 'a brand new password', passwords, io, withDb)).toBe(0);
    expect(io.lines.join('')).toMatch(/^Password changed for ana@everywhere\.test; 2 sessions ended\.\n$/);
    clock.ms += ACCOUNT_TTL_MS;
    for (const web of [ana1, ana2]) expect((await web.get('/products')).statusCode).toBe(302);
    expect((await bea.get('/products')).statusCode).toBe(200);

    const old = new WebClient(t.app);
    await old.get('/login');
    expect((await old.postForm('/login', { email: 'ana@everywhere.test', password: PASSWORD, _csrf: old.csrf() })).body).toContain(
      'Wrong email or password',
    );
    await logIn(t, 'ana@everywhere.test', 'a brand new password');
  });

  it('no such user: exit 1 and one line; bad input: exit 2 and one line; nothing changed', async () => {
    const bea = await logIn(t, 'bea@everywhere.test');
    const cases: [Promise<number>, number, RegExp][] = [];
    const ios = [quiet(), quiet(), quiet(), quiet()];
    const passwords = new PasswordHashing(scryptParams(14));
    cases.push([
      signOutEverywhereCommand({ email: 'nobody@everywhere.test' }, ios[0]!, withDb),
      1,
      /^vitrina user sign-out-everywhere: There is no user with the email nobody@everywhere\.test\.\n$/,
    ]);
    cases.push([signOutEverywhereCommand({}, ios[1]!, withDb), 2, /^vitrina user sign-out-everywhere: --email is required[^\n]*\n$/]);
    cases.push([
      setPasswordCommand({ email: 'bea@everywhere.test' }, 'short', passwords, ios[2]!, withDb),
      2,
      /^vitrina user set-password: Use a password of at least 8 characters\.\n$/,
    ]);
    cases.push([
      setPasswordCommand({ email: 'bea@everywhere.test' }, undefined, passwords, ios[3]!, withDb),
      2,
      /^vitrina user set-password: give the new password on the first line of stdin[^\n]*\n$/,
    ]);
    for (const [i, [code, expected, line]] of cases.entries()) {
      expect(await code).toBe(expected);
      expect(ios[i]!.lines.join('')).toMatch(line);
    }
    clock.ms += ACCOUNT_TTL_MS;
    expect((await bea.get('/products')).statusCode).toBe(200);
  });
});

describe('a second instance on the same database (postgres+s3)', () => {
  const { clock, now } = testClock();
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp('postgres+s3', { now });
    b = await startTestApp('postgres+s3', { now, database: a.database, shareStorageWith: a });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('refuses a cookie logged out on the first instance within the account cache window', async () => {
    const web = new WebClient(a.app);
    await web.signUp('Two Instances', 'two@instances.test', PASSWORD);
    const onB = new WebClient(b.app);
    onB.cookies.set('vitrina_session', web.cookies.get('vitrina_session')!);
    expect((await onB.get('/products')).statusCode).toBe(200);

    await web.get('/products');
    expect((await web.postForm('/logout', { _csrf: web.csrf() })).headers.location).toBe('/login');

    // B looked this session up a moment ago and may take it as it was for up to 5 s…
    clock.ms += ACCOUNT_TTL_MS - 1;
    expect((await onB.get('/products')).statusCode).toBe(200);
    // …and not a millisecond longer.
    clock.ms += 1;
    const refused = await onB.get('/products');
    expect([refused.statusCode, refused.headers.location]).toEqual([302, '/login?next=%2Fproducts']);
  });
});
