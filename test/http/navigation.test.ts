/**
 * Issue 15, items 4, 6 and 8 over HTTP: error pages in the page's language with the logged-in
 * header, the language switch leaving no `?lang=` behind, the enhanced form's flash kept for the
 * real load, the sign-up's shop name limit, and compression (text compressed; media never).
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { imageUrls } from '../support/page-helpers.js';
import { productIdFrom, WebClient } from '../support/web-client.js';

let t: TestApp;
let web: WebClient;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp('pglite+local');
  web = new WebClient(t.app);
  await web.signUp('Ferretería Nav', 'ana@nav.test');
});
afterAll(async () => {
  await t?.close();
});

async function createProduct(image?: Buffer, headers: Record<string, string> = {}): Promise<ReturnType<WebClient['postMultipart']>> {
  await web.get('/products/new');
  const uom = /<option value="(\d+)"/.exec(web.lastBody)?.[1] ?? '1';
  const fields = { name: `Tornillo ${++seq}`, sku: `TOR-${seq}`, uom_id: uom, sale_price: '1.50', description: '', _csrf: web.csrf() };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (image) form.append('image', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'photo.jpg');
  if (Object.keys(headers).length === 0)
    return web.postMultipart('/products/new', fields, image && { name: 'photo.jpg', bytes: image, type: 'image/jpeg' });
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  const res = await t.app.inject({
    method: 'POST',
    url: '/products/new',
    headers: {
      accept: 'text/html',
      cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': request.headers.get('content-type')!,
      ...headers,
    },
    payload: Buffer.from(await request.arrayBuffer()),
  });
  for (const c of res.cookies) web.cookies.set(c.name, c.value);
  return { statusCode: res.statusCode, headers: res.headers as Record<string, string>, body: res.body, cookies: res.cookies };
}

describe('error pages speak the page language and keep the header', () => {
  it('an unknown URL shows a logged-in person their own header, in Spanish', async () => {
    const res = await web.get('/no-such-page', { 'accept-language': 'es' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('<html lang="es">');
    expect(res.body).toContain('No encontramos esa página.');
    expect(res.body).toContain('Ferretería Nav');
    expect(res.body).toContain('Cerrar sesión');
    expect(res.body).toContain('href="/settings"');
    expect(res.body).not.toContain('href="/login"');
    expect(res.body).not.toContain('Not found');
  });

  it("an unknown URL is in the shop's default language when this browser picked none", async () => {
    const browser = new WebClient(t.app, { accept: 'text/html', 'accept-language': 'en-US' });
    await browser.signUp('Tienda por defecto', 'defecto@nav.test');
    await t.runtime.db.updateTable('tenants').set({ default_locale: 'es' }).where('name', '=', 'Tienda por defecto').execute();
    const res = await browser.get('/no-such-page');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('<html lang="es">');
    expect(res.body).toContain('No encontramos esa página.');
  });

  it('logged out, the same page offers log-in and sign-up', async () => {
    const res = await new WebClient(t.app, { accept: 'text/html', 'accept-language': 'es' }).get('/no-such-page');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('href="/login"');
    expect(res.body).toContain('Iniciar sesión');
  });

  it("another tenant's product id is the same translated 404, with the person's header", async () => {
    const other = new WebClient(t.app, { accept: 'text/html', 'accept-language': 'es' });
    await other.signUp('Otra tienda', 'otra@nav.test');
    const id = productIdFrom(await createProduct());
    const res = await other.get(`/products/${id}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('No encontramos esa página.');
    expect(res.body).not.toContain('There is no such product');
    expect(res.body).toContain('Otra tienda');
  });

  it('a malformed URL and a GET to a POST-only address are explained in Spanish too', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/products/%E0%A4%A', headers: { accept: 'text/html', 'accept-language': 'es' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Esta dirección no es válida');
    const get = await web.get('/logout', { 'accept-language': 'es' });
    expect(get.statusCode).toBe(404);
    expect(get.body).toContain('No encontramos esa página.');
  });

  it('a delete with an expired form and a body over the limit are explained in Spanish', async () => {
    const id = productIdFrom(await createProduct());
    const csrf = await web.postForm(`/products/${id}/delete`, { _csrf: 'stale' });
    expect(csrf.statusCode).toBe(403);
    const es = await t.app.inject({
      method: 'POST',
      url: `/products/${id}/delete`,
      headers: {
        accept: 'text/html',
        'accept-language': 'es',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      payload: '_csrf=stale',
    });
    expect(es.statusCode).toBe(403);
    expect(es.body).toContain('Tu sesión ha caducado. Vuelve atrás, recarga la página e inténtalo de nuevo.');
    expect(es.body).toContain('Cerrar sesión');
    const big = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { accept: 'text/html', 'accept-language': 'es', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=${'a'.repeat(300 * 1024)}`,
    });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('<html lang="es">');
    expect(big.body).toContain('Error 413');
    expect(big.body).not.toMatch(/Request body is too large/i);
  });

  it('the API keeps its English JSON errors', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: { 'accept-language': 'es' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NotFound', message: 'Not found.' } });
  });
});

describe('the language switch', () => {
  it('on a page answered to a post (a refused form), leads home: the post has no page of its own to reload', async () => {
    const client = new WebClient(t.app);
    await client.get('/signup');
    const refused = await client.postForm('/signup', { tenant_name: '', email: 'x', password: 'short', _csrf: client.csrf() });
    expect(refused.statusCode).toBe(200);
    expect(refused.body).toContain('href="/?lang=es"');
    expect(refused.body).not.toContain('href="/signup?lang=es"');
  });

  it('keeps the choice in a cookie and redirects to the same address without ?lang=', async () => {
    const client = new WebClient(t.app);
    const res = await client.get('/login?next=%2Fproducts&lang=es');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fproducts');
    expect(res.cookies.find((c) => c.name === 'lang')?.value).toBe('es');
    const page = await client.get('/login?next=%2Fproducts');
    expect(page.body).toContain('<html lang="es">');
    // The switch links carry the page's own query.
    expect(page.body).toContain('href="/login?next=%2Fproducts&amp;lang=en"');
    const bare = await client.get('/signup?lang=en');
    expect([bare.statusCode, bare.headers.location]).toEqual([303, '/signup']);
  });

  it('leaves the API, media, posts and foreign-looking paths alone', async () => {
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/products?lang=es' });
    expect(api.statusCode).toBe(401);
    const media = await t.app.inject({ method: 'GET', url: '/media/t/1/x.webp?lang=es' });
    expect(media.statusCode).not.toBe(303);
    const twoSlashes = await t.app.inject({ method: 'GET', url: '//evil.example/x?lang=es', headers: { accept: 'text/html' } });
    expect(twoSlashes.headers.location).toBeUndefined();
    expect(twoSlashes.body).not.toContain('href="//evil.example');
    const long = await t.app.inject({ method: 'GET', url: `/login?x=${'a'.repeat(3000)}&lang=es`, headers: { accept: 'text/html' } });
    expect(long.statusCode).toBe(200);
  });
});

describe('the enhanced form', () => {
  it('leaves the flash for the real load of the page the XHR was redirected to', async () => {
    const res = await createProduct(undefined, { 'x-vitrina-enhanced': '1' });
    expect(res.statusCode).toBe(302);
    const location = String(res.headers.location);
    // The XHR follows the redirect with the same header: the page does not take the flash.
    const followed = await web.get(location, { 'x-vitrina-enhanced': '1' });
    expect(followed.body).not.toContain('Product created');
    expect(web.cookies.has('vitrina_flash')).toBe(true);
    // The real navigation shows it, once.
    expect((await web.get(location)).body).toContain('Product created');
    expect((await web.get(location)).body).not.toContain('Product created');
  });
});

describe('sign-up', () => {
  it('says the shop name is too long (not "required"), in an error summary linking to the field', async () => {
    for (const [lang, text] of [
      ['en', 'Shop name must be 100 characters or fewer'],
      ['es', 'El nombre de la tienda debe tener como máximo 100 caracteres'],
    ] as const) {
      const client = new WebClient(t.app, { accept: 'text/html', 'accept-language': lang });
      await client.get('/signup');
      expect(client.lastBody).toContain('maxlength="100"');
      const res = await client.postForm('/signup', {
        tenant_name: 'x'.repeat(150),
        email: `long-${lang}@nav.test`,
        password: 'correct horse battery',
        _csrf: client.csrf(),
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`<a href="#tenant_name">${text}</a>`);
      expect(res.body).toContain('data-error-summary');
      expect(res.body).not.toContain(lang === 'en' ? 'Company name is required' : 'es obligatorio');
    }
    expect(await t.runtime.db.selectFrom('users').select('id').where('email', 'like', 'long-%').execute()).toEqual([]);
  });
});

describe('compression', () => {
  it('compresses the pages (br and gzip) and measures /products with 48 products', { timeout: 120_000 }, async () => {
    // 48 products with a processed image each, as a real list (srcset and all).
    const photo = await makeImage('jpeg', 640, 480);
    while (seq < 48) await createProduct(photo);
    await t.drain();
    const cookie = [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const get = (encoding?: string) =>
      t.app.inject({
        method: 'GET',
        url: '/products?per=48',
        headers: { accept: 'text/html', cookie, ...(encoding ? { 'accept-encoding': encoding } : {}) },
      });
    const plain = await get();
    const gzip = await get('gzip');
    const br = await get('br, gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    const html = plain.body;
    expect(gunzipSync(gzip.rawPayload).toString('utf8').length).toBe(html.length);
    expect(brotliDecompressSync(br.rawPayload).toString('utf8').length).toBe(html.length);
    expect(gzip.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    console.log(
      `/products?per=48 HTML: plain ${plain.rawPayload.length} B, gzip ${gzip.rawPayload.length} B, br ${br.rawPayload.length} B`,
    );
  });

  it('compresses and caches app.css and app.js', async () => {
    for (const file of ['app.css', 'app.js']) {
      const res = await t.app.inject({ method: 'GET', url: `/assets/${file}`, headers: { 'accept-encoding': 'gzip' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['cache-control']).toContain('max-age=');
      expect(res.headers.etag).toBeDefined();
      const again = await t.app.inject({
        method: 'GET',
        url: `/assets/${file}`,
        headers: { 'accept-encoding': 'gzip', 'if-none-match': String(res.headers.etag) },
      });
      expect(again.statusCode).toBe(304);
    }
  });

  it('sends media as stored: no Content-Encoding, the right Content-Length and ranges', async () => {
    const id = productIdFrom(await createProduct(await makeImage('jpeg', 800, 600)));
    await t.drain();
    const page = await web.get(`/products/${id}`);
    const url = imageUrls(page.body).find((u) => u.includes('/media/'));
    expect(url).toBeDefined();
    const path = new URL(url!, t.config.appUrl);
    const whole = await t.app.inject({ method: 'GET', url: path.pathname + path.search, headers: { 'accept-encoding': 'gzip, br' } });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    expect(Number(whole.headers['content-length'])).toBe(whole.rawPayload.length);
    expect(whole.headers.etag).toBeDefined();
    const part = await t.app.inject({
      method: 'GET',
      url: path.pathname + path.search,
      headers: { 'accept-encoding': 'gzip, br', range: 'bytes=0-9' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.headers['content-length']).toBe('10');
    expect(part.rawPayload.equals(whole.rawPayload.subarray(0, 10))).toBe(true);
  });

  it('leaves small answers (under 1 KB) uncompressed', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});
