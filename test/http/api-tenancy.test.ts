import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { makeImage } from '../media/media-fixtures.js';
import { apiTenant, multipart, type ApiTenant } from './api-client.js';

describe.each(STACKS)('API tenant isolation on %s', (stack) => {
  let t: TestApp;
  let a: ApiTenant;
  let b: ApiTenant;
  let productA: { id: number };
  let jpeg: Buffer;
  beforeAll(async () => {
    t = await startTestApp(stack);
    a = await apiTenant(t, 'Shop A');
    b = await apiTenant(t, 'Shop B');
    jpeg = await makeImage('jpeg', 320, 240);
    productA = (await a.request('POST', '/api/v1/products', { json: { sku: 'SHARED-1', name: 'A only', sale_price: '12.50' } })).json();
    expect(
      (await a.request('PUT', `/api/v1/products/${productA.id}/image`, { payload: jpeg, headers: { 'content-type': 'image/jpeg' } }))
        .statusCode,
    ).toBe(200);
    await t.drain();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers tenant B's key on A's product exactly as on an id that does not exist", async () => {
    const missing = 2147483000;
    const form = await multipart('image', jpeg, 'b.jpg', 'image/jpeg');
    const attempts = [
      { method: 'GET', path: '', options: {} },
      { method: 'PATCH', path: '', options: { json: { name: 'Taken over' } } },
      { method: 'DELETE', path: '', options: {} },
      { method: 'PUT', path: '/image', options: form },
      { method: 'PUT', path: '/image', options: { payload: jpeg, headers: { 'content-type': 'image/jpeg' } } },
      { method: 'DELETE', path: '/image', options: {} },
    ] as const;
    for (const { method, path, options } of attempts) {
      const theirs = await b.request(method, `/api/v1/products/${productA.id}${path}`, options);
      const none = await b.request(method, `/api/v1/products/${missing}${path}`, options);
      expect(theirs.statusCode, `${method} ${path}`).toBe(404);
      expect(theirs.body).toBe(none.body);
      expect(theirs.json()).toEqual({ error: { code: 'NotFound', message: 'There is no such product.' } });
    }
    await t.drain();
    // Nothing was stored for B, and A's product and image are as they were.
    expect(await t.raw.listKeys(`t/${b.tenantId}/`)).toEqual([]);
    const mine = (await a.request('GET', `/api/v1/products/${productA.id}`)).json();
    expect(mine).toMatchObject({ name: 'A only', sale_price: '12.50', image: { status: 'ready', width: 320, height: 240 } });
    expect((await t.raw.listKeys(`t/${a.tenantId}/`)).length).toBe(mine.image.variants.length);
  });

  it("never lists A's products for B, whatever B searches", async () => {
    for (const query of ['', '?q=A%20only', '?q=SHARED', '?limit=100']) {
      const list = (await b.request('GET', `/api/v1/products${query}`)).json();
      expect(list.items.map((p: { id: number }) => p.id)).not.toContain(productA.id);
      expect(list.total).toBe(0);
    }
    expect((await a.request('GET', '/api/v1/products?q=SHARED')).json().total).toBe(1);
  });

  it('keeps SKUs unique per tenant only', async () => {
    const res = await b.request('POST', '/api/v1/products', { json: { sku: 'SHARED-1', name: 'B has one too', sale_price: '1' } });
    expect(res.statusCode).toBe(201);
    expect((await a.request('GET', `/api/v1/products/${res.json().id}`)).statusCode).toBe(404);
    expect((await b.request('GET', '/api/v1/products')).json().total).toBe(1);
  });
});
