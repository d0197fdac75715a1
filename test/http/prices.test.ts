/**
 * Prices in the shop's currency, typed as the page's language writes them (issue 15, item 3):
 * sign-up chooses the currency, the product form reads "1.234,50" in Spanish and "1,234.50" in
 * English, pages show the amount through Intl in the page's locale, and a price the form
 * cannot read says what it expects, keeps what was typed and creates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, STACKS, type TestApp } from '../support/app-harness.js';
import { productIdFrom, WebClient } from '../support/web-client.js';

const NBSP = '\u00a0';

function spanish(t: TestApp): WebClient {
  const client = new WebClient(t.app, { accept: 'text/html', 'accept-language': 'es-ES,es;q=0.9' });
  client.cookies.set('lang', 'es');
  return client;
}

/** The text of the field error beside an input, or undefined. */
function fieldError(body: string, id: string): string | undefined {
  return new RegExp(`<p class="field-error" id="${id}-error">([^<]{0,300})</p>`).exec(body)?.[1];
}

function inputValue(body: string, id: string): string | undefined {
  return new RegExp(`<input id="${id}" [^>]{0,400}value="([^"]{0,100})"`).exec(body)?.[1];
}

describe.each(STACKS)('prices on %s', (stack) => {
  let t: TestApp;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp(stack);
  });
  afterAll(async () => {
    await t?.close();
  });

  const productCount = async (tenantName: string) =>
    Number(
      (
        await t.runtime.db
          .selectFrom('products')
          .innerJoin('tenants', 'tenants.id', 'products.tenant_id')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('tenants.name', '=', tenantName)
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function post(web: WebClient, url: string, price: string) {
    await web.get(url);
    return web.postMultipart(url, {
      name: 'Martillo',
      sku: `M-${++seq}`,
      uom_id: '1',
      sale_price: price,
      description: '',
      _csrf: web.csrf(),
    });
  }

  it('suggests the language’s currency at sign-up and refuses one it does not know', async () => {
    const web = spanish(t);
    const page = await web.get('/signup');
    expect(page.body).toContain('<option value="EUR" selected>euro (EUR)</option>');
    expect(page.body).toContain('<option value="JPY">yen japonés (JPY)</option>');
    expect((await new WebClient(t.app).get('/signup')).body).toContain('<option value="USD" selected>US Dollar (USD)</option>');

    const email = `bad-currency-${stack}@shop.test`;
    const refused = await web.postForm('/signup', {
      tenant_name: 'Tienda rara',
      email,
      password: 'correct horse battery',
      currency: 'XYZ',
      _csrf: web.csrf(),
    });
    expect(refused.statusCode).toBe(200);
    expect(fieldError(refused.body, 'currency')).toBe('Elige una moneda de la lista');
    expect(refused.body).toMatch(/<a href="#currency">Elige una moneda de la lista<\/a>/);
    expect(await t.runtime.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
  });

  it('signs up with EUR, reads "1.234,50" in Spanish, stores 1234.50 and shows "1.234,50 €"', async () => {
    const web = spanish(t);
    await web.get('/signup');
    const signedUp = await web.postForm('/signup', {
      tenant_name: 'Ferretería Ana',
      email: `ana-${stack}@ferreteria.test`,
      password: 'correct horse battery',
      currency: 'EUR',
      _csrf: web.csrf(),
    });
    expect(signedUp.statusCode).toBe(302);
    const tenant = await t.runtime.db.selectFrom('tenants').selectAll().where('name', '=', 'Ferretería Ana').executeTakeFirstOrThrow();
    expect(tenant.currency).toBe('EUR');

    const form = await web.get('/products/new');
    expect(form.body).toContain('Por ejemplo 1.234,50 (euro)');
    const id = productIdFrom(await post(web, '/products/new', '1.234,50'));
    const row = await t.runtime.db.selectFrom('products').select('sale_price').where('id', '=', id).executeTakeFirstOrThrow();
    expect(String(row.sale_price)).toBe('1234.50');

    expect((await web.get(`/products/${id}`)).body).toContain(`1.234,50${NBSP}€ / unidad`);
    expect((await web.get('/products')).body).toContain(`1.234,50${NBSP}€`);
    expect(inputValue((await web.get(`/products/${id}/edit`)).body, 'sale_price')).toBe('1.234,50');

    // "12.50" is unambiguous in Spanish too; "1.234" groups.
    const other = productIdFrom(await post(web, '/products/new', '12.50'));
    const grouped = productIdFrom(await post(web, '/products/new', '1.234'));
    const prices = await t.runtime.db.selectFrom('products').select(['id', 'sale_price']).where('id', 'in', [other, grouped]).execute();
    expect(Object.fromEntries(prices.map((p) => [p.id, String(p.sale_price)]))).toEqual({ [other]: '12.50', [grouped]: '1234.00' });
  });

  it('says what Spanish expects, keeps what was typed and creates nothing', async () => {
    const web = spanish(t);
    await web.signUp('Tienda Luis', `luis-${stack}@tienda.test`);
    for (const typed of ['abc', '12,345', '1.2.3', '19,999', `${'9'.repeat(5000)}`]) {
      const res = await post(web, '/products/new', typed);
      expect(res.statusCode).toBe(200);
      expect(fieldError(res.body, 'sale_price')).toBe('Escribe un precio como 1.234,50 (como mucho 2 decimales)');
      expect(res.body).toMatch(/<a href="#sale_price">Escribe un precio como 1\.234,50/);
      expect(res.body).toContain(`value="${typed}"`);
    }
    expect(await productCount('Tienda Luis')).toBe(0);
  });

  it('keeps the English contract text and reads English and unambiguous Spanish styles', async () => {
    const web = new WebClient(t.app);
    await web.signUp('Hardware Bob', `bob-${stack}@hardware.test`);
    const refused = await post(web, '/products/new', '1.234');
    expect(refused.statusCode).toBe(200);
    expect(fieldError(refused.body, 'sale_price')).toBe('Enter a price like 19.99');
    expect(inputValue(refused.body, 'sale_price')).toBe('1.234');

    const id = productIdFrom(await post(web, '/products/new', '1,234.50'));
    const comma = productIdFrom(await post(web, '/products/new', '12,50'));
    const rows = await t.runtime.db.selectFrom('products').select(['id', 'sale_price']).where('id', 'in', [id, comma]).execute();
    expect(Object.fromEntries(rows.map((p) => [p.id, String(p.sale_price)]))).toEqual({ [id]: '1234.50', [comma]: '12.50' });
    expect((await web.get(`/products/${id}`)).body).toContain('$1,234.50 / unit');
    expect(inputValue((await web.get(`/products/${id}/edit`)).body, 'sale_price')).toBe('1,234.50');
  });

  it('refuses decimals in a currency without them (JPY)', async () => {
    const web = new WebClient(t.app);
    await web.get('/signup');
    await web.postForm('/signup', {
      tenant_name: 'Tokyo Tools',
      email: `ken-${stack}@tokyo.test`,
      password: 'correct horse battery',
      currency: 'JPY',
      _csrf: web.csrf(),
    });
    const refused = await post(web, '/products/new', '12.50');
    expect(fieldError(refused.body, 'sale_price')).toBe('Enter a whole price like 1,234 (JPY has no decimals)');
    const id = productIdFrom(await post(web, '/products/new', '1,500'));
    expect((await web.get(`/products/${id}`)).body).toContain('¥1,500 / unit');
  });
});
