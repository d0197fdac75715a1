/**
 * Issue 13, finding 1, through the running app (PGlite and the local store, `app.inject`):
 * the hostile inputs that froze the server — a Range header of spaces on a signed media URL,
 * `a@` + 40,000 dots + `@` on /signup, a file name of 30,000 dots on an upload — and the other
 * request data with a pattern behind it, each answered correctly and in well under a second
 * (before the fix: seconds to hours, with every other request waiting).
 * The parsers one by one, at 64 KiB each, are in adversarial-input.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { WebClient } from '../support/web-client.js';
import { apiTenant, multipart, type ApiTenant } from './api-client.js';

/** A bound, not a benchmark: a linear parser answers in milliseconds, the old patterns took seconds or more. */
const FAST_MS = 1000;

async function timed<T>(request: () => Promise<T>): Promise<{ res: T; ms: number }> {
  const start = performance.now();
  const res = await request();
  return { res, ms: performance.now() - start };
}

let t: TestApp;
let web: WebClient;
let api: ApiTenant;
let jpeg: Buffer;

beforeAll(async () => {
  t = await startTestApp('pglite+local');
  web = new WebClient(t.app);
  await web.signUp('Hostile', 'hostile@shop.test');
  api = await apiTenant(t, 'Hostile API');
  jpeg = await makeImage('jpeg', 64, 48);
});
afterAll(async () => {
  await t?.close();
});

describe('hostile input answered correctly and fast', () => {
  it('a Range of spaces on a signed media URL: the whole object (200), and a real range still 206', async () => {
    const key = 't/1/img/0192f4a1-0000-7000-8000-000000000000/original.jpg';
    const bytes = Buffer.alloc(1000, 7);
    await t.runtime.appServed!.put(key, bytes, { contentType: 'image/jpeg' });
    const signed = new URL(await t.runtime.delivery.signedUrl(t.runtime.appServed!, key));
    const url = `${signed.pathname}${signed.search}`;

    // 1,200 spaces each side took 6.5 s; this header, near Node's 16 KB limit, would have taken hours.
    const range = `bytes=${' '.repeat(7000)}-${' '.repeat(7000)}!`;
    const [{ res, ms }, health] = await Promise.all([
      timed(() => t.app.inject({ method: 'GET', url, headers: { range } })),
      timed(() => t.app.inject({ method: 'GET', url: '/healthz' })),
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
    expect(ms).toBeLessThan(FAST_MS);
    expect(health.res.statusCode).toBe(200);
    expect(health.ms).toBeLessThan(FAST_MS);

    const partial = await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=10-19' } });
    expect(partial.statusCode).toBe(206);
    expect(partial.headers['content-range']).toBe('bytes 10-19/1000');
  });

  it('`a@` + 40,000 dots + `@` on /signup: the form again, with the email message', async () => {
    const visitor = new WebClient(t.app);
    await visitor.get('/signup');
    const email = `a@${'.'.repeat(40_000)}@`;
    const { res, ms } = await timed(() =>
      visitor.postForm('/signup', { tenant_name: 'Dots', email, password: 'correct horse battery', _csrf: visitor.csrf() }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Enter a valid email address');
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('a file name of 30,000 dots on an upload: the product is created, the name kept short', async () => {
    await web.get('/products/new');
    const fileName = `a${'.'.repeat(30_000)}.jpg`;
    const { res, ms } = await timed(() =>
      web.postMultipart(
        '/products/new',
        { name: 'Dots', sku: 'DOTS-1', uom_id: '1', sale_price: '1.00', _csrf: web.csrf() },
        { name: fileName, bytes: jpeg, type: 'image/jpeg' },
      ),
    );
    expect(res.statusCode).toBe(302);
    expect(ms).toBeLessThan(FAST_MS);
    const asset = await t.runtime.db.selectFrom('assets').select('original_name').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(asset.original_name).toBe(`a${'.'.repeat(115)}.jpg`);
  });

  it('a file name whose cut at 120 characters falls inside an emoji: created, no half character kept', async () => {
    await web.get('/products/new');
    const fileName = `a${'😀'.repeat(100)}.jpg`;
    const res = await web.postMultipart(
      '/products/new',
      { name: 'Emoji', sku: 'EMOJI-1', uom_id: '1', sale_price: '1.00', _csrf: web.csrf() },
      { name: fileName, bytes: jpeg, type: 'image/jpeg' },
    );
    expect(res.statusCode).toBe(302);
    const asset = await t.runtime.db.selectFrom('assets').select('original_name').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(asset.original_name).toBe(`a${'😀'.repeat(57)}.jpg`);
  });

  it('a 64 KiB search, on the page (cut to 200 characters) and in the API (400 with a message)', async () => {
    const q = encodeURIComponent(`${'%_\\ '.repeat(16 * 1024)}!`);
    const page = await timed(() => web.get(`/products?q=${q}`));
    expect(page.res.statusCode).toBe(200);
    expect(page.ms).toBeLessThan(FAST_MS);
    const listed = await timed(() => api.request('GET', `/api/v1/products?q=${q}`));
    expect(listed.res.statusCode).toBe(400);
    expect(listed.res.json()).toMatchObject({ error: { fields: { q: 'Send one search text of at most 200 characters.' } } });
    expect(listed.ms).toBeLessThan(FAST_MS);
  });

  it('long Authorization, Accept-Language and Content-Type headers and product ids', async () => {
    const spaces = ' '.repeat(8000);
    const auth = await timed(() =>
      t.app.inject({ method: 'GET', url: '/api/v1/products', headers: { authorization: `Bearer ${spaces}x${spaces}!` } }),
    );
    expect(auth.res.statusCode).toBe(401);
    expect(auth.ms).toBeLessThan(FAST_MS);

    const language = await timed(() => new WebClient(t.app).get('/login', { 'accept-language': `es;q=${spaces}!,`.repeat(2) }));
    expect(language.res.statusCode).toBe(200);
    expect(language.ms).toBeLessThan(FAST_MS);

    const created = await api.request('POST', '/api/v1/products', { json: { sku: 'CT-1', name: 'Content type', sale_price: '2.00' } });
    const id = (created.json() as { id: number }).id;
    const upload = await timed(() =>
      api.request('PUT', `/api/v1/products/${id}/image`, { payload: jpeg, headers: { 'content-type': `image/${'.'.repeat(16_000)}!` } }),
    );
    expect(upload.res.statusCode).toBe(200);
    expect(upload.ms).toBeLessThan(FAST_MS);

    const form = await multipart('image', jpeg, `x${' .'.repeat(15_000)}x.png`, 'image/jpeg');
    const named = await timed(() => api.request('PUT', `/api/v1/products/${id}/image`, form));
    expect(named.res.statusCode).toBe(200);
    expect(named.ms).toBeLessThan(FAST_MS);

    const missing = await timed(() => web.get(`/products/${'0'.repeat(8000)}!`));
    expect(missing.res.statusCode).toBe(404);
    expect(missing.ms).toBeLessThan(FAST_MS);
  });
});
