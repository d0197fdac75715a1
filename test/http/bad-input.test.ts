/**
 * Ordinary bad input is the client's mistake, never a 500 (issue 13, finding 6): a NUL or
 * another control character in a search, a product's name or description, or the sign-up
 * form; a unit id past PostgreSQL's `integer`; a URL whose %-escapes do not decode. Each gets
 * a 4xx with a message for people, in the page shape and in the API shape, on both stacks —
 * and the database never sees the value.
 */
import Fastify from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErrorHandlers } from '../../src/http/error-handler.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { productIdFrom, WebClient } from '../support/web-client.js';
import { apiTenant, type ApiTenant } from './api-client.js';

const NUL = '\u0000';

describe.each(STACKS)('bad input on %s', (stack) => {
  let t: TestApp;
  let a: ApiTenant;
  let web: WebClient;
  let seq = 0;
  const sku = () => `BAD-${++seq}`;

  beforeAll(async () => {
    t = await startTestApp(stack);
    a = await apiTenant(t, 'Tea House');
    web = new WebClient(t.app);
    await web.signUp('Acme', `ana-${stack}@acme.test`);
  });
  afterAll(async () => {
    await t?.close();
  });

  const productCount = async () =>
    (
      await t.runtime.db
        .selectFrom('products')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  async function postForm(url: string, fields: Record<string, string>) {
    await web.get(url);
    return web.postMultipart(url, {
      name: 'Tea',
      sku: sku(),
      uom_id: '1',
      sale_price: '4.50',
      description: '',
      ...fields,
      _csrf: web.csrf(),
    });
  }

  it('answers a search with a NUL or another control character with 400, on the page and in the API', async () => {
    for (const q of [`tea${NUL}`, 'tea\u0001', '\u007f']) {
      const page = await web.get(`/products?q=${encodeURIComponent(q)}`);
      expect(page.statusCode).toBe(400);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('The search text contains a control character (such as NUL); type the search again.');

      const api = await a.request('GET', `/api/v1/products?q=${encodeURIComponent(q)}`);
      expect(api.statusCode).toBe(400);
      expect(api.json()).toEqual({
        error: {
          code: 'BadRequest',
          message: 'The query is not valid; see `fields`.',
          fields: { q: 'Remove the control characters (such as NUL) from the search text.' },
        },
      });
    }
    // Accents, symbols and a `%` are text like any other.
    expect((await web.get(`/products?q=${encodeURIComponent('café 100%')}`)).statusCode).toBe(200);
    expect((await a.request('GET', `/api/v1/products?q=${encodeURIComponent('café 100%')}`)).statusCode).toBe(200);
  });

  it('refuses control characters in a name or description: the form again (200) with the message beside the field, the API 422 with `fields`', async () => {
    const before = await productCount();
    const name = await postForm('/products/new', { name: `Green${NUL}tea` });
    expect(name.statusCode).toBe(200);
    expect(name.body).toMatch(/id="name-error"[^>]*>Remove the control characters \(such as NUL or a tab\) from the name</);
    const description = await postForm('/products/new', { description: `Line one\nLine two${NUL}` });
    expect(description.statusCode).toBe(200);
    expect(description.body).toMatch(
      /id="description-error"[^>]*>Remove the control characters \(such as NUL\) from the description; line breaks are fine</,
    );

    const created = await a.request('POST', '/api/v1/products', {
      json: { sku: sku(), name: `Green${NUL}tea`, description: `x\u0007`, sale_price: '4.50' },
    });
    expect(created.statusCode).toBe(422);
    expect(created.json().error.fields).toEqual({
      name: 'Remove the control characters (such as NUL or a tab), and any unpaired \\uD800-style escape, from the name.',
      description:
        'Remove the control characters (such as NUL), and any unpaired \\uD800-style escape, from the description; line breaks are fine.',
    });
    // A lone surrogate (only a JSON escape makes one) would be stored as U+FFFD: refused too.
    const lone = await a.request('POST', '/api/v1/products', {
      payload: `{"sku":"${sku()}","name":"Tea \\ud800","sale_price":"1"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect([lone.statusCode, Object.keys(lone.json().error.fields)]).toEqual([422, ['name']]);
    expect(await productCount()).toBe(before);

    // Updates go through the same checks; line breaks and tabs in a description are fine.
    const ok = await a.request('POST', '/api/v1/products', {
      json: { sku: sku(), name: 'Sencha', description: 'Line one\r\n\tLine two', sale_price: '4.50' },
    });
    expect(ok.statusCode).toBe(201);
    const id = ok.json().id as number;
    const patched = await a.request('PATCH', `/api/v1/products/${id}`, { json: { name: `x${NUL}` } });
    expect([patched.statusCode, patched.json().error.fields.name]).toEqual([422, expect.stringContaining('control characters')]);
    expect((await a.request('GET', `/api/v1/products/${id}`)).json()).toMatchObject({
      name: 'Sencha',
      description: 'Line one\r\n\tLine two',
    });

    const mine = productIdFrom(await postForm('/products/new', { name: 'Matcha' }));
    await web.get(`/products/${mine}/edit`);
    const edited = await web.postMultipart(`/products/${mine}/edit`, {
      name: 'Matcha',
      sku: `M-${mine}`,
      uom_id: '1',
      sale_price: '4.50',
      description: `a${NUL}`,
      _csrf: web.csrf(),
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.body).toMatch(/id="description-error"/);
    const stored = await t.runtime.db
      .selectFrom('products')
      .select(['name', 'description'])
      .where('id', '=', mine)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ name: 'Matcha', description: '' });
  });

  it("refuses a unit id outside PostgreSQL's integer, negative or not whole: the form again, the API 422", async () => {
    const before = await productCount();
    for (const uom of ['2147483648', '99999999999999999999', '-1', '1.5', '1e3', '0x10']) {
      const form = await postForm('/products/new', { uom_id: uom });
      expect(form.statusCode).toBe(200);
      expect(form.body).toMatch(/id="uom_id-error"[^>]*>Choose a unit</);
    }
    for (const uom of [2147483648, 2 ** 53, -1, 1.5, '2147483648']) {
      const res = await a.request('POST', '/api/v1/products', { json: { sku: sku(), name: 'Tea', uom_id: uom, sale_price: '1' } });
      expect([res.statusCode, res.json().error.fields]).toEqual([422, { uom_id: 'Choose a unit of measure from the list.' }]);
    }
    const id = (await a.request('POST', '/api/v1/products', { json: { sku: sku(), name: 'Tea', sale_price: '1' } })).json().id as number;
    expect((await a.request('PATCH', `/api/v1/products/${id}`, { json: { uom_id: 2147483648 } })).statusCode).toBe(422);
    expect(await productCount()).toBe(before + 1);
  });

  it('refuses a NUL in the sign-up form with the message beside the field, and a NUL at log-in is no 500', async () => {
    const stranger = new WebClient(t.app);
    await stranger.get('/signup');
    const tenant = await stranger.postForm('/signup', {
      tenant_name: `Acme${NUL}`,
      email: `new-${stack}@acme.test`,
      password: 'correct horse battery',
      _csrf: stranger.csrf(),
    });
    expect(tenant.statusCode).toBe(200);
    expect(tenant.body).toMatch(
      /id="tenant_name-error"[^>]*>Remove the control characters \(such as NUL or a tab\) from the company name</,
    );
    const email = await stranger.postForm('/signup', {
      tenant_name: 'Acme 2',
      email: `new${NUL}-${stack}@acme.test`,
      password: 'correct horse battery',
      _csrf: stranger.csrf(),
    });
    expect(email.statusCode).toBe(200);
    expect(email.body).toMatch(/id="email-error"/);
    expect(await t.runtime.db.selectFrom('tenants').select('id').where('name', 'like', 'Acme %').execute()).toEqual([]);

    await stranger.get('/login');
    const login = await stranger.postForm('/login', {
      email: `ana${NUL}-${stack}@acme.test`,
      password: 'correct horse battery',
      _csrf: stranger.csrf(),
    });
    expect(login.statusCode).toBeGreaterThanOrEqual(200);
    expect(login.statusCode).toBeLessThan(500);
    expect(stranger.cookies.has('vitrina_session')).toBe(false);
  });

  it('answers a value the database refuses, should one get past the checks, with 400 and a message', async () => {
    // A route of our own over the real database, rendered by the app's one error handler.
    const probe = Fastify();
    const { errorHandler } = createErrorHandlers(t.runtime);
    probe.setErrorHandler(errorHandler);
    probe.get('/nul', async () => sql`select ${`a${NUL}b`}::text`.execute(t.runtime.db));
    probe.get('/int', async () => sql`select ${'2147483648'}::int`.execute(t.runtime.db));
    for (const url of ['/nul', '/int']) {
      const res = await probe.inject({ method: 'GET', url });
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'BadRequest']);
      expect(res.json().error.message).toBe(
        'A value in this request cannot be stored: remove control characters (such as NUL) and keep numbers within range.',
      );
    }
    await probe.close();
  });
});

describe('a malformed URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite+local');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("gets the app's 400 page in a browser, with the page's security headers", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/products/%E0%A4%A', headers: { accept: 'text/html', 'accept-language': 'es' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).toContain('<html lang="es">');
    // In the page's language (issue 15): the API below keeps the English text.
    expect(res.body).toContain(
      'Esta dirección no es válida: tiene un código %-escape roto (como %E0%A4%A). Revisa el enlace o vuelve a escribir la dirección.',
    );
    expect(res.body).not.toContain('FST_ERR_BAD_URL');
  });

  it("gets the API's JSON error under /api/, and a path parameter too long for any id is a 404", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/products/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'BadRequest',
        message: 'This address is not valid: it has a broken %-escape (such as %E0%A4%A). Check the link or type the address again.',
      },
    });
    const long = await t.app.inject({ method: 'GET', url: `/api/v1/products/${'9'.repeat(200)}` });
    expect([long.statusCode, long.json().error.code]).toEqual([404, 'NotFound']);
  });
});
