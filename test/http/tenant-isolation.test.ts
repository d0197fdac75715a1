/**
 * Tenant B can neither read, change, delete nor even detect tenant A's products and images
 * through the pages or the media URLs, on both stacks: every answer B gets about A's product
 * is byte-for-byte the answer for an id that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { fetchUrl, imageUrls } from '../support/page-helpers.js';
import { productIdFrom, WebClient } from '../support/web-client.js';

describe.each(STACKS)('tenant isolation on %s', (stack) => {
  let t: TestApp;
  let a: WebClient;
  let b: WebClient;
  let productId: number;
  let aImageUrls: string[];

  beforeAll(async () => {
    t = await startTestApp(stack);
    a = new WebClient(t.app);
    b = new WebClient(t.app);
    await a.signUp('Tenant A', `a-${stack}@a.test`);
    await b.signUp('Tenant B', `b-${stack}@b.test`);
    await b.get('/products'); // shows (and so clears) the welcome flash
    await a.get('/products/new');
    const res = await a.postMultipart(
      '/products/new',
      { name: 'Secret prototype', sku: 'SECRET-1', uom_id: '1', sale_price: '99.00', _csrf: a.csrf() },
      { name: 'secret.jpg', bytes: await makeImage('jpeg', 800, 600), type: 'image/jpeg' },
    );
    productId = productIdFrom(res);
    await t.drain();
    aImageUrls = imageUrls((await a.get('/products')).body);
    expect(aImageUrls.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Status and body with the per-response CSRF tokens blanked (they differ on every page). */
  // The page's own address (the language switch links back to it) is the one thing that may differ.
  const comparable = (res: { statusCode: number; body: string }, id: number) => [
    res.statusCode,
    res.body.replace(/value="\d+\.[\w-]+\.[\w-]+"/g, 'value="…"').replaceAll(`/products/${id}`, '/products/ID'),
  ];

  it('answers B exactly as for a missing id on every product route', async () => {
    const missing = 2147480000;
    for (const route of [(id: number) => `/products/${id}`, (id: number) => `/products/${id}/edit`]) {
      const theirs = await b.get(route(productId));
      const none = await b.get(route(missing));
      expect(theirs.statusCode).toBe(404);
      expect(comparable(theirs, productId)).toEqual(comparable(none, missing));
      expect(theirs.body).not.toContain('Secret prototype');
    }
    await b.get('/products/new');
    const edit = await b.postMultipart(`/products/${productId}/edit`, {
      name: 'Hijacked',
      sku: 'SECRET-1',
      uom_id: '1',
      sale_price: '0',
      _csrf: b.csrf(),
    });
    const editMissing = await b.postMultipart(`/products/${missing}/edit`, {
      name: 'Hijacked',
      sku: 'SECRET-1',
      uom_id: '1',
      sale_price: '0',
      _csrf: b.csrf(),
    });
    expect(edit.statusCode).toBe(404);
    expect(comparable(edit, productId)).toEqual(comparable(editMissing, missing));
    const del = await b.postForm(`/products/${productId}/delete`, { _csrf: b.csrf() });
    expect(del.statusCode).toBe(404);

    const row = await t.runtime.db.selectFrom('products').selectAll().where('id', '=', productId).executeTakeFirstOrThrow();
    expect([row.name, row.sale_price]).toEqual(['Secret prototype', '99.00']);
    expect((await a.get(`/products/${productId}`)).statusCode).toBe(200);
  });

  it("never lists or finds A's products for B, by name or SKU", async () => {
    for (const q of ['', 'Secret', 'SECRET-1']) {
      const page = await b.get(`/products?q=${encodeURIComponent(q)}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('Secret prototype');
      expect(imageUrls(page.body)).toEqual([]);
    }
  });

  it("does not let B take A's SKU as a way of probing it: SKUs are per tenant", async () => {
    await b.get('/products/new');
    const res = await b.postMultipart('/products/new', { name: 'Mine', sku: 'SECRET-1', uom_id: '1', sale_price: '1.00', _csrf: b.csrf() });
    expect(res.statusCode).toBe(302);
  });

  it("gives no way into A's images without the signed URL A's pages carry", async () => {
    // The signed URLs work for whoever holds them (that is what signing means) …
    expect((await fetchUrl(t, aImageUrls[0]!)).status).toBe(200);
    // … but the object's key alone, unsigned or with a signature for another key, gets nothing,
    // and the same refusal as a key that does not exist.
    const signed = new URL(aImageUrls[0]!);
    const unsigned = new URL(signed.pathname, signed.origin).toString();
    const otherKey = unsigned.replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
      '00000000-0000-7000-8000-000000000000',
    );
    const refused = await fetchUrl(t, unsigned);
    const refusedMissing = await fetchUrl(t, otherKey);
    expect(refused.status).toBe(403);
    expect(refusedMissing.status).toBe(403);
    const forged = new URL(aImageUrls[1] ?? aImageUrls[0]!);
    forged.pathname = signed.pathname.replace(/w\d+\.webp$/, 'original.jpg');
    expect((await fetchUrl(t, forged.toString())).status).toBe(403);
  });
});
