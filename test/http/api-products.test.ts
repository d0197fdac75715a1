import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { apiTenant, type ApiTenant } from './api-client.js';

describe.each(STACKS)('API products on %s', (stack) => {
  let t: TestApp;
  let a: ApiTenant;
  beforeAll(async () => {
    t = await startTestApp(stack);
    a = await apiTenant(t, 'Tea House');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, reads, lists, changes and deletes a product (201 + Location, 200, 200 to the trash, then 404)', async () => {
    const created = await a.request('POST', '/api/v1/products', {
      json: { sku: 'TEA-1', name: 'Green tea', description: 'Loose leaf', uom_id: 2, sale_price: '19.9' },
    });
    expect(created.statusCode).toBe(201);
    const product = created.json();
    expect(created.headers.location).toBe(`/api/v1/products/${product.id}`);
    expect(product).toEqual({
      id: expect.any(Number),
      sku: 'TEA-1',
      name: 'Green tea',
      description: 'Loose leaf',
      uom: { id: 2, code: 'kg' },
      sale_price: '19.90',
      stock_quantity: null,
      image: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const got = await a.request('GET', created.headers.location as string);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(product);

    const list = await a.request('GET', '/api/v1/products');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, limit: 20, offset: 0, items: [product] });

    // A number price is fine when it has at most 2 decimals; left-out fields stay as they were.
    const patched = await a.request('PATCH', `/api/v1/products/${product.id}`, { json: { sale_price: 4.5, name: 'Sencha' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ ...product, name: 'Sencha', sale_price: '4.50', updated_at: expect.any(String) });
    const cleared = await a.request('PATCH', `/api/v1/products/${product.id}`, { json: { description: null } });
    expect(cleared.json()).toMatchObject({ name: 'Sencha', description: '', sale_price: '4.50', uom: { id: 2, code: 'kg' } });

    const deleted = await a.request('DELETE', `/api/v1/products/${product.id}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({
      id: product.id,
      trashed: true,
      deleted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      purge_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect((await a.request('GET', `/api/v1/products/${product.id}`)).statusCode).toBe(404);
    expect((await a.request('DELETE', `/api/v1/products/${product.id}`)).statusCode).toBe(404);
    expect((await a.request('PATCH', `/api/v1/products/${product.id}`, { json: { name: 'Ghost' } })).statusCode).toBe(404);
  });

  it('defaults the unit to 1 and keeps prices exact', async () => {
    const res = await a.request('POST', '/api/v1/products', { json: { sku: 'EXACT-1', name: 'Exact', sale_price: '0.10' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ uom: { id: 1, code: 'unit' }, sale_price: '0.10', description: '' });
    expect(
      (await a.request('POST', '/api/v1/products', { json: { sku: 'EXACT-2', name: 'Big', sale_price: 9999999999.99 } })).json().sale_price,
    ).toBe('9999999999.99');
  });

  it('pages and searches with ?q, ?limit and ?offset, newest first', async () => {
    const b = await apiTenant(t, 'Pager');
    for (const [sku, name] of [
      ['MUG-1', 'Blue mug'],
      ['MUG-2', 'Red mug'],
      ['CUP-1', 'Cup'],
    ] as const) {
      expect((await b.request('POST', '/api/v1/products', { json: { sku, name, sale_price: '3' } })).statusCode).toBe(201);
    }
    const first = (await b.request('GET', '/api/v1/products?q=mug&limit=1')).json();
    expect(first).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(first.items.map((p: { sku: string }) => p.sku)).toEqual(['MUG-2']);
    const second = (await b.request('GET', '/api/v1/products?q=MUG&limit=1&offset=1')).json();
    expect(second.items.map((p: { sku: string }) => p.sku)).toEqual(['MUG-1']);
    expect((await b.request('GET', '/api/v1/products?q=cup-')).json().items.map((p: { sku: string }) => p.sku)).toEqual(['CUP-1']);
    // `%` is a literal character, not a wildcard.
    expect((await b.request('GET', '/api/v1/products?q=%25')).json().total).toBe(0);
    expect((await b.request('GET', '/api/v1/products?offset=3')).json()).toMatchObject({ items: [], total: 3, offset: 3 });
    expect((await b.request('GET', '/api/v1/products?limit=100')).json().items).toHaveLength(3);
  });

  it('answers 400 with fields for a bad limit or offset', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'limit=1&limit=2', 'offset=-1', 'offset=1.5']) {
      const res = await a.request('GET', `/api/v1/products?${query}`);
      expect(res.statusCode, query).toBe(400);
      const error = res.json().error;
      expect(error.code).toBe('BadRequest');
      expect(Object.keys(error.fields)).toEqual([query.split('=')[0]]);
    }
  });

  it('answers 409 for a SKU the tenant already has, on create and on change, naming the field', async () => {
    expect((await a.request('POST', '/api/v1/products', { json: { sku: 'DUP-1', name: 'One', sale_price: '1' } })).statusCode).toBe(201);
    const other = (await a.request('POST', '/api/v1/products', { json: { sku: 'DUP-2', name: 'Two', sale_price: '1' } })).json();
    const dup = await a.request('POST', '/api/v1/products', { json: { sku: 'DUP-1', name: 'Again', sale_price: '1' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toEqual({
      code: 'Conflict',
      message: expect.stringContaining('DUP-1'),
      fields: { sku: expect.stringContaining('DUP-1') },
    });
    const renamed = await a.request('PATCH', `/api/v1/products/${other.id}`, { json: { sku: 'DUP-1' } });
    expect(renamed.statusCode).toBe(409);
    expect((await a.request('GET', `/api/v1/products/${other.id}`)).json().sku).toBe('DUP-2');
  });

  it('answers 422 with a message per field, and creates nothing', async () => {
    const before = (await a.request('GET', '/api/v1/products')).json().total;
    const res = await a.request('POST', '/api/v1/products', { json: { sku: 'no spaces', name: '', sale_price: '1.234', price: 3 } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      error: {
        code: 'Unprocessable',
        message: expect.any(String),
        fields: {
          sku: expect.stringContaining('letters, digits'),
          name: 'Enter a name.',
          sale_price: expect.stringContaining('no more than 2 decimals'),
          price: expect.stringContaining('Not a writable field'),
        },
      },
    });
    const missing = await a.request('POST', '/api/v1/products', { json: {} });
    expect(Object.keys(missing.json().error.fields).sort()).toEqual(['name', 'sale_price', 'sku']);
    const badNumber = await a.request('POST', '/api/v1/products', { json: { sku: 'N-1', name: 'N', sale_price: 0.1 + 0.2 } });
    expect(badNumber.json().error.fields).toEqual({ sale_price: expect.any(String) });
    const unit = await a.request('POST', '/api/v1/products', { json: { sku: 'U-1', name: 'U', sale_price: '1', uom_id: 999 } });
    expect(unit.statusCode).toBe(422);
    expect(unit.json().error.fields).toEqual({ uom_id: 'Choose a unit of measure from the list.' });
    expect((await a.request('GET', '/api/v1/products')).json().total).toBe(before);

    const product = (await a.request('POST', '/api/v1/products', { json: { sku: 'P-1', name: 'P', sale_price: '1' } })).json();
    const patch = await a.request('PATCH', `/api/v1/products/${product.id}`, { json: { sale_price: '-1', id: 7, image: null } });
    expect(patch.statusCode).toBe(422);
    expect(Object.keys(patch.json().error.fields).sort()).toEqual(['id', 'image', 'sale_price']);
    expect((await a.request('GET', `/api/v1/products/${product.id}`)).json().sale_price).toBe('1.00');
  });

  it('answers 400 for malformed JSON or a body that is not an object, 415 for a body that is not JSON', async () => {
    const url = '/api/v1/products';
    const broken = await a.request('POST', url, { payload: '{"sku":', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ error: { code: 'BadRequest', message: expect.stringMatching(/not valid JSON/) } });
    const empty = await a.request('POST', url, { payload: '', headers: { 'content-type': 'application/json' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('BadRequest');
    for (const body of ['[1]', '"tea"', 'null']) {
      const res = await a.request('POST', url, { payload: body, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode, body).toBe(400);
      expect(res.json().error.message).toMatch(/must be a JSON object/);
    }
    const form = await a.request('POST', url, {
      payload: 'sku=A&name=B&sale_price=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().error).toEqual({ code: 'UnsupportedMediaType', message: expect.stringContaining('application/json') });
    const xml = await a.request('POST', url, { payload: '<product/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('UnsupportedMediaType');
  });

  it('answers 404 for ids that are not ids', async () => {
    for (const id of ['abc', '0', '-1', '99999999999', '1.5']) {
      const res = await a.request('GET', `/api/v1/products/${id}`);
      expect(res.statusCode, id).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'NotFound', message: 'There is no such product.' } });
    }
  });

  it('sends exactly the fields the OpenAPI Product schema documents', async () => {
    const product = (await a.request('POST', '/api/v1/products', { json: { sku: 'DOC-1', name: 'Doc', sale_price: '1' } })).json();
    const doc = (await a.request('GET', '/api/v1/openapi.json')).json();
    const schema = doc.components.schemas.Product;
    expect(Object.keys(product).sort()).toEqual(Object.keys(schema.properties).sort());
    expect([...schema.required].sort()).toEqual(Object.keys(product).sort());
    expect(Object.keys(doc.components.schemas.Variant.properties).sort()).toEqual([
      'bytes',
      'content_type',
      'height',
      'name',
      'url',
      'width',
    ]);
  });
});
