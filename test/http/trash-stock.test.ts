/**
 * The trash and stock on hand (issue 15) on both stacks, through the pages and the API, with
 * the store checked through the raw SDK or the filesystem: a delete goes to the trash and
 * keeps the image; restore brings it back; delete forever, empty trash and the 30-day sweep
 * (an injected clock) purge the images; another tenant can neither see nor touch the trash;
 * stock is validated beside its field and round-trips through the form and the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_BATCHES, PURGE_BATCH, purgeExpiredTrash } from '../../src/catalog/trash.service.js';
import { makeImage } from '../media/media-fixtures.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { productFields, productIdFrom, WebClient, type WebResponse } from '../support/web-client.js';
import { apiTenant, type ApiTenant } from './api-client.js';

const DAY = 86_400_000;

const fields = productFields;

/** The flash cookie's first message, as the next page shows it. */
function flashText(body: string): string[] {
  return [...body.matchAll(/class="flash flash-success" role="status">([^<]*)</g)].map((m) => m[1]!);
}

describe.each(STACKS)('the trash and stock on %s', (stack) => {
  let t: TestApp;
  let web: WebClient;
  let other: WebClient;
  let seq = 0;
  const sku = () => `TR-${++seq}`;

  beforeAll(async () => {
    t = await startTestApp(stack);
    web = new WebClient(t.app);
    await web.signUp('Trash Co', `trash-${stack}@example.test`);
    other = new WebClient(t.app);
    await other.signUp('Other Co', `other-${stack}@example.test`);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function create(over: Record<string, string> = {}, image?: Buffer): Promise<number> {
    const file = image ? { name: 'photo.png', bytes: image, type: 'image/png' } : undefined;
    return productIdFrom(await web.createProduct(fields({ sku: sku(), ...over }), file));
  }

  async function keysOf(productId: number): Promise<{ prefix: string; keys: string[] }> {
    const row = await t.runtime.db
      .selectFrom('products')
      .innerJoin('assets', 'assets.id', 'products.image_asset_id')
      .select('assets.key_prefix')
      .where('products.id', '=', productId)
      .executeTakeFirstOrThrow();
    return { prefix: row.key_prefix, keys: await t.raw.listKeys(row.key_prefix) };
  }

  async function trashDelete(client: WebClient, id: number): Promise<WebResponse> {
    const page = await client.get(`/products/${id}`);
    if (page.statusCode !== 200) await client.get('/products');
    return client.postForm(`/products/${id}/delete`, { _csrf: client.csrf() });
  }

  it('delete → trash (image kept, 404 everywhere, Undo offered) → restore brings it back, image and all', async () => {
    const id = await create({ name: 'Kept beans' }, await makeImage('png', 400, 300));
    await t.drain();
    const { prefix, keys } = await keysOf(id);
    expect(keys.length).toBeGreaterThan(1);

    const deleted = await trashDelete(web, id);
    expect([deleted.statusCode, deleted.headers.location]).toEqual([302, '/products']);
    const list = await web.get('/products');
    expect(flashText(list.body)).toEqual(['Product deleted']);
    expect(list.body).toContain('It is in the trash for 30 days.');
    expect(list.body).toContain(`action="/products/${id}/restore"`);
    expect(list.body).not.toContain('Kept beans');
    expect(list.body).toContain('href="/products/trash"');
    for (const url of [`/products/${id}`, `/products/${id}/edit`]) expect((await web.get(url)).statusCode).toBe(404);
    await web.get('/products');
    expect((await web.postForm(`/products/${id}/delete`, { _csrf: web.csrf() })).statusCode).toBe(404);
    await t.drain();
    expect(await t.raw.listKeys(prefix)).toEqual(keys);

    const trash = await web.get('/products/trash');
    expect(trash.statusCode).toBe(200);
    expect(trash.body).toContain('Kept beans');
    expect(trash.body).toContain(`id="trashed-${id}"`);
    expect(trash.body).toMatch(
      /data-confirm="[^"]+"[^>]*>\s*<input type="hidden" name="_csrf"[^>]*>\s*<button type="submit" class="button danger">Empty trash/,
    );

    // The flash's Undo: back to the product page, "Product restored".
    const undone = await web.postForm(`/products/${id}/restore`, { _csrf: web.csrf(), next: 'product' });
    expect([undone.statusCode, undone.headers.location]).toEqual([302, `/products/${id}`]);
    const back = await web.get(`/products/${id}`);
    expect(back.statusCode).toBe(200);
    expect(flashText(back.body)).toEqual(['Product restored']);
    expect(back.body).toMatch(/<img class="medium" src="[^"]+"/);
    expect(await t.raw.listKeys(prefix)).toEqual(keys);
    expect((await web.get('/products/trash')).body).not.toContain('Kept beans');
    // Not in the trash any more: restoring again is a 404.
    expect((await web.postForm(`/products/${id}/restore`, { _csrf: web.csrf() })).statusCode).toBe(404);
  });

  it('restores from the trash page back to the trash page', async () => {
    const id = await create({ name: 'Page restore' });
    await trashDelete(web, id);
    await web.get('/products/trash');
    const res = await web.postForm(`/products/${id}/restore`, { _csrf: web.csrf(), next: 'trash' });
    expect([res.statusCode, res.headers.location]).toEqual([302, '/products/trash']);
    expect(flashText((await web.get('/products/trash')).body)).toEqual(['Product restored']);
    expect((await web.get(`/products/${id}`)).statusCode).toBe(200);
  });

  it('refuses restore, delete forever and empty trash without the CSRF token', async () => {
    const id = await create();
    await trashDelete(web, id);
    expect((await web.postForm(`/products/${id}/restore`, { _csrf: 'nope' })).statusCode).toBe(403);
    expect((await web.postForm(`/products/${id}/delete-forever`, {})).statusCode).toBe(403);
    expect((await web.postForm('/products/trash/empty', { _csrf: 'x' })).statusCode).toBe(403);
    expect(await t.runtime.db.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst()).toBeDefined();
  });

  it('delete forever purges the image after the drain; a live product cannot be deleted forever', async () => {
    const live = await create();
    const id = await create({}, await makeImage('png', 300, 200));
    await t.drain();
    const { prefix } = await keysOf(id);
    await trashDelete(web, id);
    await web.get('/products/trash');
    expect((await web.postForm(`/products/${live}/delete-forever`, { _csrf: web.csrf() })).statusCode).toBe(404);
    const res = await web.postForm(`/products/${id}/delete-forever`, { _csrf: web.csrf() });
    expect([res.statusCode, res.headers.location]).toEqual([302, '/products/trash']);
    expect(flashText((await web.get('/products/trash')).body)).toEqual(['Product deleted for good']);
    await t.drain();
    expect(await t.raw.listKeys(prefix)).toEqual([]);
    expect(await t.runtime.db.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect((await web.get(`/products/${live}`)).statusCode).toBe(200);
  });

  it('empty trash purges every trashed product and its images, and leaves the live ones', async () => {
    const live = await create({}, await makeImage('png', 200, 200));
    const a = await create({}, await makeImage('png', 210, 200));
    const b = await create({}, await makeImage('png', 220, 200));
    await t.drain();
    const [liveKeys, aKeys, bKeys] = [await keysOf(live), await keysOf(a), await keysOf(b)];
    await trashDelete(web, a);
    await trashDelete(web, b);
    await web.get('/products/trash');
    const res = await web.postForm('/products/trash/empty', { _csrf: web.csrf() });
    expect([res.statusCode, res.headers.location]).toEqual([302, '/products/trash']);
    const page = await web.get('/products/trash');
    expect(flashText(page.body)).toEqual(['Trash emptied']);
    expect(page.body).toContain('The trash is empty.');
    await t.drain();
    expect(await t.raw.listKeys(aKeys.prefix)).toEqual([]);
    expect(await t.raw.listKeys(bKeys.prefix)).toEqual([]);
    expect(await t.raw.listKeys(liveKeys.prefix)).toEqual(liveKeys.keys);
    expect(await t.runtime.db.selectFrom('purge_queue').selectAll().execute()).toEqual([]);
  });

  it('empties a large trash at most 1,000 products per request, and says when some are left', async () => {
    const tenantId = (await t.runtime.db.selectFrom('tenants').select('id').where('name', '=', 'Trash Co').executeTakeFirstOrThrow()).id;
    const trashed = Array.from({ length: PURGE_BATCH * EMPTY_BATCHES + 1 }, (_, i) => ({
      tenant_id: tenantId,
      sku: `BULK-${i}`,
      name: `Bulk ${i}`,
      sale_price: '1.00',
      deleted_at: new Date(),
    }));
    await t.runtime.db.insertInto('products').values(trashed).execute();
    const inTrash = async () =>
      Number(
        (
          await t.runtime.db
            .selectFrom('products')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('tenant_id', '=', tenantId)
            .where('deleted_at', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    await web.get('/products/trash');
    await web.postForm('/products/trash/empty', { _csrf: web.csrf() });
    expect(flashText((await web.get('/products/trash')).body)).toEqual([
      'Deleted 1000 products for good; more are still in the trash. Empty it again to go on',
    ]);
    expect(await inTrash()).toBe(1);
    await web.postForm('/products/trash/empty', { _csrf: web.csrf() });
    expect(flashText((await web.get('/products/trash')).body)).toEqual(['Trash emptied']);
    expect(await inTrash()).toBe(0);
  });

  it('the expiry sweep (clock injected): kept at 29 days, purged with its image at 31', async () => {
    const id = await create({}, await makeImage('png', 240, 200));
    await t.drain();
    const { prefix, keys } = await keysOf(id);
    await trashDelete(web, id);
    const deps = { db: t.runtime.db };
    await purgeExpiredTrash(deps, new Date(Date.now() + 29 * DAY));
    await t.drain();
    expect(await t.raw.listKeys(prefix)).toEqual(keys);
    expect((await web.get('/products/trash')).body).toContain(`id="trashed-${id}"`);
    expect(await purgeExpiredTrash(deps, new Date(Date.now() + 31 * DAY))).toBeGreaterThanOrEqual(1);
    await t.drain();
    expect(await t.raw.listKeys(prefix)).toEqual([]);
    expect(await t.runtime.db.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect((await web.get('/products/trash')).body).not.toContain(`id="trashed-${id}"`);
  });

  it('another tenant cannot see, restore or delete your trashed product (404, like an unknown id)', async () => {
    const id = await create({ name: 'Private trash' });
    await trashDelete(web, id);
    const trash = await other.get('/products/trash');
    expect(trash.body).not.toContain('Private trash');
    for (const action of ['restore', 'delete-forever', 'delete']) {
      const res = await other.postForm(`/products/${id}/${action}`, { _csrf: other.csrf() });
      expect(res.statusCode, action).toBe(404);
      const unknown = await other.postForm(`/products/2147483647/${action}`, { _csrf: other.csrf() });
      expect(unknown.statusCode).toBe(404);
    }
    await other.postForm('/products/trash/empty', { _csrf: other.csrf() });
    expect((await web.get('/products/trash')).body).toContain('Private trash');
  });

  it('a trashed product keeps its SKU: a new product with it is told so beside SKU, with the way to restore it', async () => {
    const id = await create({ sku: 'KEEP-SKU' });
    await trashDelete(web, id);
    await web.get('/products/new');
    const res = await web.postMultipart('/products/new', { ...fields({ sku: 'KEEP-SKU' }), _csrf: web.csrf() });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('A product in the trash has this SKU.');
    expect(res.body).toContain(`href="/products/trash#trashed-${id}"`);
    await web.get('/products/trash');
    expect((await web.postForm(`/products/${id}/restore`, { _csrf: web.csrf() })).statusCode).toBe(302);
    expect((await web.get(`/products/${id}`)).body).toContain('KEEP-SKU');
  });

  it('stock: bad input gets a clear message beside the field (en and es) and saves nothing; good input round-trips', async () => {
    const before = await t.runtime.db
      .selectFrom('products')
      .select(({ fn }) => fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    for (const [value, english] of [
      ['-3', 'Enter a whole number of 0 or more'],
      ['1.5', 'Enter a whole number of 0 or more'],
      ['abc', 'Enter a whole number of 0 or more'],
      ['1000000000000', 'Enter a quantity of at most 2,147,483,647.'],
    ] as const) {
      await web.get('/products/new');
      const res = await web.postMultipart('/products/new', { ...fields({ sku: sku(), stock_quantity: value }), _csrf: web.csrf() });
      expect(res.statusCode, value).toBe(200);
      expect(res.body).toMatch(new RegExp(`<p class="field-error" id="stock_quantity-error">${english.replace(/\./g, '\\.')}`));
      expect(res.body).toContain(`value="${value}"`);
      expect(res.body).toContain('aria-describedby="stock_quantity-hint stock_quantity-error"');
    }
    await web.get('/products/new?lang=es');
    const es = await web.postMultipart('/products/new', { ...fields({ sku: sku(), stock_quantity: '-3' }), _csrf: web.csrf() });
    expect(es.body).toContain('Escribe un número entero igual o mayor que 0');
    await web.get('/products/new?lang=en');
    const after = await t.runtime.db
      .selectFrom('products')
      .select(({ fn }) => fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    const id = await create({ stock_quantity: ' 12 ' });
    const page = await web.get(`/products/${id}`);
    expect(page.body).toMatch(/<dt>Stock on hand<\/dt><dd>12<\/dd>/);
    const edit = await web.get(`/products/${id}/edit`);
    expect(edit.body).toMatch(/id="stock_quantity" name="stock_quantity" type="text" value="12"/);
    // Emptied: no longer tracked.
    const saved = await web.postMultipart(`/products/${id}/edit`, {
      ...fields({ sku: `TR-EDIT-${id}`, stock_quantity: '' }),
      _csrf: web.csrf(),
    });
    expect(saved.statusCode).toBe(302);
    expect((await web.get(`/products/${id}`)).body).toContain('Not tracked');
    const row = await t.runtime.db.selectFrom('products').select('stock_quantity').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.stock_quantity).toBeNull();
  });

  describe('the API', () => {
    let a: ApiTenant;
    let b: ApiTenant;
    beforeAll(async () => {
      a = await apiTenant(t, 'API trash A');
      b = await apiTenant(t, 'API trash B');
    });

    it('DELETE says the product went to the trash; get/update/image/list are 404 or leave it out; restore brings it back', async () => {
      const created = await a.request('POST', '/api/v1/products', {
        json: { sku: 'API-T1', name: 'API tea', sale_price: '2', stock_quantity: 7 },
      });
      expect(created.statusCode).toBe(201);
      const { id } = created.json() as { id: number };
      const del = await a.request('DELETE', `/api/v1/products/${id}`);
      expect(del.statusCode).toBe(200);
      const body = del.json() as { id: number; trashed: boolean; deleted_at: string; purge_at: string };
      expect(body).toMatchObject({ id, trashed: true });
      expect(new Date(body.purge_at).getTime() - new Date(body.deleted_at).getTime()).toBe(30 * DAY);
      expect((await a.request('GET', `/api/v1/products/${id}`)).statusCode).toBe(404);
      expect((await a.request('GET', '/api/v1/products?q=API-T1')).json()).toMatchObject({ total: 0, items: [] });
      expect((await a.request('PATCH', `/api/v1/products/${id}`, { json: { name: 'x' } })).statusCode).toBe(404);
      const png = await makeImage('png', 64, 64);
      expect(
        (await a.request('PUT', `/api/v1/products/${id}/image`, { payload: png, headers: { 'content-type': 'image/png' } })).statusCode,
      ).toBe(404);
      expect((await a.request('DELETE', `/api/v1/products/${id}`)).statusCode).toBe(404);
      // Another tenant: 404, and it stays in A's trash.
      expect((await b.request('POST', `/api/v1/products/${id}/restore`)).statusCode).toBe(404);
      // The SKU is still held: a new product with it is a 409 that says where it is.
      const dup = await a.request('POST', '/api/v1/products', { json: { sku: 'API-T1', name: 'Again', sale_price: '1' } });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.message).toContain('in the trash');
      expect(dup.json().error.fields.sku).toContain(`/api/v1/products/${id}/restore`);

      const restored = await a.request('POST', `/api/v1/products/${id}/restore`);
      expect(restored.statusCode).toBe(200);
      expect(restored.json()).toMatchObject({ id, sku: 'API-T1', stock_quantity: 7 });
      expect((await a.request('GET', `/api/v1/products/${id}`)).statusCode).toBe(200);
      expect((await a.request('GET', '/api/v1/products?q=API-T1')).json()).toMatchObject({ total: 1 });
    });

    it('stock_quantity: create, get, list, patch and untrack (null); bad values are 422 on the field, nothing saved', async () => {
      const created = await a.request('POST', '/api/v1/products', {
        json: { sku: 'API-S1', name: 'Stocked', sale_price: '1', stock_quantity: 5 },
      });
      expect(created.statusCode).toBe(201);
      const { id } = created.json() as { id: number };
      expect((await a.request('GET', `/api/v1/products/${id}`)).json()).toMatchObject({ stock_quantity: 5 });
      const listed = (await a.request('GET', '/api/v1/products?q=API-S1')).json() as { items: { stock_quantity: number | null }[] };
      expect(listed.items.map((p) => p.stock_quantity)).toEqual([5]);
      expect((await a.request('PATCH', `/api/v1/products/${id}`, { json: { stock_quantity: '40' } })).json()).toMatchObject({
        stock_quantity: 40,
      });
      expect((await a.request('PATCH', `/api/v1/products/${id}`, { json: { name: 'Renamed' } })).json()).toMatchObject({
        stock_quantity: 40,
      });
      expect((await a.request('PATCH', `/api/v1/products/${id}`, { json: { stock_quantity: null } })).json()).toMatchObject({
        stock_quantity: null,
      });
      const untracked = await a.request('POST', '/api/v1/products', { json: { sku: 'API-S2', name: 'Untracked', sale_price: '1' } });
      expect(untracked.json()).toMatchObject({ stock_quantity: null });

      for (const bad of [-3, 1.5, 'abc', 1e12, '1000000000000', true]) {
        const res = await a.request('PATCH', `/api/v1/products/${id}`, { json: { stock_quantity: bad } });
        expect(res.statusCode, String(bad)).toBe(422);
        expect(Object.keys(res.json().error.fields)).toEqual(['stock_quantity']);
        const create = await a.request('POST', '/api/v1/products', {
          json: { sku: 'API-BAD', name: 'Bad', sale_price: '1', stock_quantity: bad },
        });
        expect(create.statusCode).toBe(422);
      }
      expect((await a.request('GET', `/api/v1/products/${id}`)).json()).toMatchObject({ stock_quantity: null });
      expect((await a.request('GET', '/api/v1/products?q=API-BAD')).json()).toMatchObject({ total: 0 });
    });
  });
});
