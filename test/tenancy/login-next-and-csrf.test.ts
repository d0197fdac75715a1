/**
 * The log-in form's `next` (issue 13, finding 6: `next=/%01x` made the redirect throw, and a
 * correct log-in with it answered 500 and set no session) and CSRF tokens that expire
 * (finding 8): an expired token shows the form again with a message, and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNext } from '../../src/http/pages/login-required.js';
import { issueCsrf, preSessionBinding, sessionBinding, CSRF_TTL_SECONDS } from '../../src/tenancy/csrf.js';
import { verifySession } from '../../src/tenancy/session.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { WebClient } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';
const EMAIL = 'next@login.test';

describe('safeNext', () => {
  it('keeps paths of this site, printable and at most 500 characters', () => {
    for (const ok of ['/products', '/products/7/edit', '/products?q=caf%C3%A9&page=2', '/a\\b']) expect(safeNext(ok)).toBe(ok);
  });

  it('refuses other sites, control characters (raw or %-encoded), spaces, non-ASCII and overlong values', () => {
    const bad = [
      undefined,
      42,
      '',
      'products',
      'https://evil.test/',
      '//evil.test',
      '/\\evil.test',
      '/%2F/evil.test',
      '/%5Cevil.test',
      '/\u0001x',
      '/%01x',
      '/%0d%0aSet-Cookie:x=1',
      '/\t/evil.test',
      '/a b',
      '/café',
      '/%E0%A4%A',
      `/${'a'.repeat(500)}`,
      '/%C2%85',
    ];
    for (const value of bad) expect(safeNext(value), JSON.stringify(value)).toBeUndefined();
  });

  // How long these take, against a benign path of the same length, is in bench/parsers.bench.ts.
  it('refuses 64 KiB of hostile input', () => {
    for (const value of ['/'.padEnd(65_536, '%'), '/'.padEnd(65_536, '%2'), `/${'%01'.repeat(21_845)}`, '/'.padEnd(65_536, 'a')]) {
      expect(value.length).toBeGreaterThanOrEqual(65_536);
      expect(safeNext(value), JSON.stringify(value.slice(0, 12))).toBeUndefined();
    }
  });
});

describe('the log-in form on pglite+local', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('pglite+local');
    await new WebClient(t.app).signUp('Next Shop', EMAIL, PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /login?next=/%01x: the form without the bad target; logged in, a redirect to /products (not a 500)', async () => {
    const web = new WebClient(t.app);
    const form = await web.get('/login?next=/%01x');
    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain('name="next"');
    const ok = await web.postForm('/login', { email: EMAIL, password: PASSWORD, _csrf: web.csrf() });
    expect(ok.headers.location).toBe('/products');
    const again = await web.get('/login?next=/%01x');
    expect([again.statusCode, again.headers.location]).toEqual([302, '/products']);
    expect((await web.get('/login?next=%2Fproducts%3Fq%3Dtea')).headers.location).toBe('/products?q=tea');
  });

  it('POST /login with next=/\\x01x and the right password: 302 to /products with a session', async () => {
    const web = new WebClient(t.app);
    await web.get('/login');
    const res = await web.postForm('/login', { email: EMAIL, password: PASSWORD, _csrf: web.csrf(), next: '/\u0001x' });
    expect([res.statusCode, res.headers.location]).toEqual([302, '/products']);
    expect(web.cookies.has('vitrina_session')).toBe(true);
    expect((await web.get('/products')).statusCode).toBe(200);
  });

  it('an email with a NUL byte, or longer than any account\'s: "Wrong email or password" (not a 500), no row', async () => {
    for (const email of ['ana\u0000@login.test', `${'a'.repeat(300)}@login.test`]) {
      const web = new WebClient(t.app);
      await web.get('/login');
      const res = await web.postForm('/login', { email, password: PASSWORD, _csrf: web.csrf() });
      expect([res.statusCode, res.body.includes('Wrong email or password')]).toEqual([200, true]);
    }
    const keys = (await t.runtime.db.selectFrom('throttle_counts').select('key').execute()).map((r) => r.key);
    expect(keys.filter((key) => key.includes('\u0000') || key.includes('a'.repeat(300)))).toEqual([]);
  });

  it('POST /login with an expired CSRF token (issued 12 h ago): 403, the form with a message to try again, no session', async () => {
    const web = new WebClient(t.app);
    await web.get('/login');
    const pre = web.cookies.get('vitrina_pre')!;
    const stale = issueCsrf(t.runtime.secret, preSessionBinding(pre), Math.floor(Date.now() / 1000) - CSRF_TTL_SECONDS);
    const res = await web.postForm('/login', { email: EMAIL, password: PASSWORD, _csrf: stale });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Your session expired. Please try again');
    expect(web.cookies.has('vitrina_session')).toBe(false);
    // The form shown again carries a fresh token that works.
    const again = await web.postForm('/login', { email: EMAIL, password: PASSWORD, _csrf: web.csrf() });
    expect(again.headers.location).toBe('/products');
  });

  it('a product form with an expired CSRF token: 403, the form again with the message; nothing created', async () => {
    const web = new WebClient(t.app);
    await web.get('/login');
    await web.postForm('/login', { email: EMAIL, password: PASSWORD, _csrf: web.csrf() });
    const session = verifySession(t.runtime.secret, web.cookies.get('vitrina_session'))!;
    const stale = issueCsrf(t.runtime.secret, sessionBinding(session), Math.floor(Date.now() / 1000) - CSRF_TTL_SECONDS - 60);
    await web.get('/products/new');
    const res = await web.postMultipart('/products/new', { name: 'Tea', sku: 'STALE-1', uom_id: '1', sale_price: '1.00', _csrf: stale });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Your session expired. Please try again');
    expect(res.body).toContain('value="STALE-1"');
    expect(await t.runtime.db.selectFrom('products').select('id').execute()).toEqual([]);
  });
});
