/**
 * The form never loses a photo (issue 15, item 1), on both stacks: a product form refused for
 * another field keeps an image that passed its checks (private key, a row bound to tenant, user
 * and form, expiring), shows its thumbnail to its owner only, and the next submit uses it
 * without the bytes — once. Also: HEIC refused with what to do, and a broken image explained.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MAX_PENDING_PER_USER } from '../../src/catalog/pending-uploads.js';
import { reconcile } from '../../src/jobs/reconcile.js';
import { pendingKey } from '../../src/storage/key-locator.js';
import { findOwnPendingUpload } from '../../src/media/pending-uploads.repository.js';
import { heicHeader, makeImage } from '../media/media-fixtures.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { productIdFrom, WebClient, type WebResponse } from '../support/web-client.js';

const fields = (over: Record<string, string> = {}) => ({
  name: 'Kept photo',
  sku: 'KEPT-1',
  uom_id: '2',
  sale_price: '19.90',
  description: '',
  ...over,
});

/** The hidden token and the thumbnail URL of a form that kept its image. */
function keptOf(res: WebResponse): { token: string; src: string } {
  const token = /name="pending_upload" value="([^"]{1,200})"/.exec(res.body)?.[1];
  const src = /<img class="pending-thumb" src="(\/uploads\/pending\/[0-9a-f-]{36})"/.exec(res.body)?.[1];
  if (token === undefined || src === undefined) throw new Error(`the form kept no image: ${res.statusCode}`);
  return { token, src };
}

describe.each(STACKS)('pending uploads on %s', (stack) => {
  let t: TestApp;
  let web: WebClient;
  let tenantId: number;
  let photo: Buffer;
  let seq = 0;
  const sku = () => `KEPT-${++seq}`;

  beforeAll(async () => {
    t = await startTestApp(stack);
    web = new WebClient(t.app);
    await web.signUp('Kept Photos', `kept-${stack}@shop.test`);
    tenantId = (await t.runtime.db.selectFrom('tenants').select('id').where('name', '=', 'Kept Photos').executeTakeFirstOrThrow()).id;
    photo = await makeImage('jpeg', 800, 600);
  });
  afterAll(async () => {
    await t?.close();
  });

  const products = async () =>
    Number(
      (
        await t.runtime.db
          .selectFrom('products')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const pendingRows = (id?: string) => {
    let q = t.runtime.db.selectFrom('pending_uploads').selectAll().where('tenant_id', '=', tenantId);
    if (id !== undefined) q = q.where('id', '=', id);
    return q.execute();
  };
  const idOf = (src: string) => src.slice('/uploads/pending/'.length);

  /** A new-product form with a good photo and the price "abc": kept. */
  async function keep(client = web, over: Record<string, string> = {}, url = '/products/new') {
    await client.get(url);
    const res = await client.postMultipart(
      url,
      { ...fields({ sku: sku(), sale_price: 'abc', ...over }), _csrf: client.csrf() },
      { name: 'IMG_0042.JPG', bytes: photo, type: 'image/jpeg' },
    );
    return res;
  }

  it('keeps a good photo when the price is refused, and the next submit uses it without the bytes', async () => {
    const before = await products();
    const refused = await keep(web, { sku: 'KEEP-A' });
    expect(refused.statusCode).toBe(200);
    expect(refused.body).toContain('Photo kept');
    expect(refused.body).toContain('File: IMG_0042.JPG');
    expect(refused.body).toContain('name="discard_pending"');
    const { token, src } = keptOf(refused);
    expect(await products()).toBe(before);

    // The bytes wait under a private key, with a row bound to tenant, user and form, for 24 hours.
    const [row] = await pendingRows(idOf(src));
    expect(row).toMatchObject({
      form: 'new',
      key: `t/${tenantId}/pending/${idOf(src)}`,
      content_type: 'image/jpeg',
      width: 800,
      height: 600,
    });
    expect(row!.expires_at.getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(await t.raw.read(row!.key)).toEqual(photo);

    // The thumbnail: to its owner, private.
    const thumb = await t.app.inject({
      method: 'GET',
      url: src,
      headers: { cookie: `vitrina_session=${web.cookies.get('vitrina_session')}` },
    });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers['cache-control']).toBe('private, no-store');
    expect(thumb.rawPayload.equals(photo)).toBe(true);

    // Good price, no file: created with the kept photo.
    const res = await web.postMultipart('/products/new', { ...fields({ sku: 'KEEP-A' }), pending_upload: token, _csrf: web.csrf() });
    const id = productIdFrom(res);
    expect((await web.get(`/products/${id}`)).body).toContain('Product created');
    expect(await pendingRows(idOf(src))).toEqual([]);
    const product = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', id).executeTakeFirstOrThrow();
    const asset = await t.runtime.db.selectFrom('assets').selectAll().where('id', '=', product.image_asset_id!).executeTakeFirstOrThrow();
    expect(asset.source_key).toBe(row!.key);
    expect(asset.original_name).toBe('IMG_0042.JPG');

    // Processed from the kept object, which is then purged: only the asset's objects remain.
    await t.drain();
    const ready = await t.runtime.db.selectFrom('assets').selectAll().where('id', '=', asset.id).executeTakeFirstOrThrow();
    expect(ready.status).toBe('ready');
    expect(await t.raw.listKeys(`t/${tenantId}/pending/`)).toEqual([]);

    // Replaying the token: refused, nothing created.
    const count = await products();
    await web.get('/products/new');
    const replay = await web.postMultipart('/products/new', { ...fields({ sku: sku() }), pending_upload: token, _csrf: web.csrf() });
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toContain('The photo you chose before is no longer kept. Please choose it again');
    expect(await products()).toBe(count);
    // The same used token with a new file: the new file is simply used.
    const fresh = await web.postMultipart(
      '/products/new',
      { ...fields({ sku: sku() }), pending_upload: token, _csrf: web.csrf() },
      { name: 'fresh.jpg', bytes: photo, type: 'image/jpeg' },
    );
    expect(fresh.statusCode).toBe(302);
  });

  it("refuses another tenant's or another user's token and thumbnail (404), and another form's token", async () => {
    const refused = await keep(web);
    const { token, src } = keptOf(refused);
    const stranger = new WebClient(t.app);
    await stranger.signUp('Other Shop', `other-${stack}@shop.test`);
    expect((await stranger.get(src)).statusCode).toBe(404);
    const count = await products();
    await stranger.get('/products/new');
    const foreign = await stranger.postMultipart('/products/new', {
      ...fields({ sku: sku() }),
      pending_upload: token,
      _csrf: stranger.csrf(),
    });
    expect(foreign.statusCode).toBe(200);
    expect(foreign.body).toContain('no longer kept');
    expect(await products()).toBe(count);

    // The same user, another form (an edit form): the token is bound to 'new'.
    const made = productIdFrom(await web.postMultipart('/products/new', { ...fields({ sku: sku() }), _csrf: web.csrf() }));
    await web.get(`/products/${made}/edit`);
    const other = await web.postMultipart(`/products/${made}/edit`, {
      ...fields({ sku: sku() }),
      pending_upload: token,
      _csrf: web.csrf(),
    });
    expect(other.statusCode).toBe(200);
    expect(other.body).toContain('no longer kept');
    // A forged token and an overlong id: refused / 404.
    await web.get('/products/new');
    const forged = await web.postMultipart('/products/new', {
      ...fields({ sku: sku() }),
      pending_upload: `${idOf(src)}.AAAA`,
      _csrf: web.csrf(),
    });
    expect(forged.body).toContain('no longer kept');
    expect((await web.get(`/uploads/pending/${'a'.repeat(500)}`)).statusCode).toBe(404);
    // Still there for its owner, and for no other user of the same tenant.
    const [row] = await pendingRows(idOf(src));
    expect(await findOwnPendingUpload(t.runtime.db, row!.id, tenantId, row!.user_id, new Date())).toBeDefined();
    expect(await findOwnPendingUpload(t.runtime.db, row!.id, tenantId, row!.user_id + 1000, new Date())).toBeUndefined();
  });

  it('keeps the photo for the edit form and saves it with the product', async () => {
    const made = productIdFrom(
      await (async () => {
        await web.get('/products/new');
        return web.postMultipart('/products/new', { ...fields({ sku: 'EDIT-1' }), _csrf: web.csrf() });
      })(),
    );
    const refused = await keep(web, { sku: 'EDIT-1', name: '' }, `/products/${made}/edit`);
    expect(refused.statusCode).toBe(200);
    const { token, src } = keptOf(refused);
    expect((await pendingRows(idOf(src)))[0]!.form).toBe(String(made));
    const res = await web.postMultipart(`/products/${made}/edit`, {
      ...fields({ sku: 'EDIT-1' }),
      pending_upload: token,
      _csrf: web.csrf(),
    });
    expect([res.statusCode, res.headers.location]).toEqual([302, `/products/${made}`]);
    const product = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', made).executeTakeFirstOrThrow();
    expect(product.image_asset_id).not.toBeNull();
  });

  it('keeps the photo when the SKU is taken, and a new file wins over the kept one', async () => {
    await web.get('/products/new');
    productIdFrom(await web.postMultipart('/products/new', { ...fields({ sku: 'TAKEN-1' }), _csrf: web.csrf() }));
    await web.get('/products/new');
    const taken = await web.postMultipart(
      '/products/new',
      { ...fields({ sku: 'TAKEN-1' }), _csrf: web.csrf() },
      { name: 'first.jpg', bytes: photo, type: 'image/jpeg' },
    );
    expect(taken.statusCode).toBe(200);
    const first = keptOf(taken);
    const other = await makeImage('png', 300, 200);
    const res = await web.postMultipart(
      '/products/new',
      { ...fields({ sku: sku() }), pending_upload: first.token, _csrf: web.csrf() },
      { name: 'second.png', bytes: other, type: 'image/png' },
    );
    const id = productIdFrom(res);
    const product = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', id).executeTakeFirstOrThrow();
    const asset = await t.runtime.db.selectFrom('assets').selectAll().where('id', '=', product.image_asset_id!).executeTakeFirstOrThrow();
    expect([asset.original_name, asset.content_type]).toEqual(['second.png', 'image/png']);
    // The first one is let go at once.
    expect(await pendingRows(idOf(first.src))).toEqual([]);
    await t.drain();
    expect(await t.raw.read(`t/${tenantId}/pending/${idOf(first.src)}`)).toBeUndefined();
  });

  it('a kept photo survives a second refusal (SKU taken) and is used once the SKU is free', async () => {
    await web.get('/products/new');
    productIdFrom(await web.postMultipart('/products/new', { ...fields({ sku: 'TAKEN-2' }), _csrf: web.csrf() }));
    const { token, src } = keptOf(await keep(web, { sku: 'TAKEN-2' }));
    const again = await web.postMultipart('/products/new', { ...fields({ sku: 'TAKEN-2' }), pending_upload: token, _csrf: web.csrf() });
    expect(again.statusCode).toBe(200);
    expect(again.body).toMatch(/id="sku-error"[^>]*>SKU already exists/);
    expect(keptOf(again).src).toBe(src);
    expect(await pendingRows(idOf(src))).toHaveLength(1);
    const id = productIdFrom(
      await web.postMultipart('/products/new', { ...fields({ sku: 'FREE-2' }), pending_upload: keptOf(again).token, _csrf: web.csrf() }),
    );
    const product = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect(product.image_asset_id).not.toBeNull();
  });

  it(`keeps at most ${MAX_PENDING_PER_USER} photos per person: one more lets go of the oldest, whose object is purged`, async () => {
    const client = new WebClient(t.app);
    await client.signUp(`Many kept ${stack}`, `many-${stack}@shop.test`);
    const srcs: string[] = [];
    for (let i = 0; i <= MAX_PENDING_PER_USER; i++) srcs.push(keptOf(await keep(client)).src);
    const userId = (
      await t.runtime.db.selectFrom('users').select('id').where('email', '=', `many-${stack}@shop.test`).executeTakeFirstOrThrow()
    ).id;
    const rows = await t.runtime.db.selectFrom('pending_uploads').select(['id', 'key']).where('user_id', '=', userId).execute();
    expect(rows).toHaveLength(MAX_PENDING_PER_USER);
    const oldest = idOf(srcs[0]!);
    expect(rows.map((r) => r.id)).not.toContain(oldest);
    expect((await client.get(srcs[0]!)).statusCode).toBe(404);
    await t.drain();
    const keys = await t.raw.listKeys('t/');
    expect(keys.filter((k) => k.endsWith(`/pending/${oldest}`))).toEqual([]);
    for (const r of rows) expect(keys).toContain(r.key);
  });

  it('reconcile keeps a kept photo (its row owns it) and deletes a pending object no row owns', async () => {
    const { src } = keptOf(await keep());
    const kept = (await pendingRows(idOf(src)))[0]!.key;
    const orphan = pendingKey(tenantId, '0190a0c0-0000-4000-8000-000000000001');
    await t.runtime.stores.storeFor('store').put(orphan, photo, { contentType: 'image/jpeg', contentLength: photo.length });
    const report = await reconcile(t.runtime, { tenantId, graceMs: 0, apply: true });
    expect(report.orphans.map((o) => [o.key, o.action])).toEqual([[orphan, 'deleted']]);
    const keys = await t.raw.listKeys(`t/${tenantId}/pending/`);
    expect(keys).toContain(kept);
    expect(keys).not.toContain(orphan);
  });

  it('keeps nothing of an image that fails its own checks, whatever else is wrong', async () => {
    const keysBefore = await t.raw.listKeys('');
    const rows = (await pendingRows()).length;
    const damaged = Buffer.from(photo.subarray(0, Math.floor(photo.length / 2)));
    await web.get('/products/new');
    const res = await web.postMultipart(
      '/products/new',
      { ...fields({ sku: sku(), sale_price: 'abc' }), _csrf: web.csrf() },
      { name: 'cut.jpg', bytes: damaged, type: 'image/jpeg' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('name="pending_upload"');
    expect(await t.raw.listKeys('')).toEqual(keysBefore);
    expect(await pendingRows()).toHaveLength(rows);
  });

  it('Remove: the product is saved without the kept photo, which is purged', async () => {
    const { token, src } = keptOf(await keep(web, { sku: 'DISCARD-1' }));
    const res = await web.postMultipart('/products/new', {
      ...fields({ sku: 'DISCARD-1' }),
      pending_upload: token,
      discard_pending: '1',
      _csrf: web.csrf(),
    });
    const id = productIdFrom(res);
    const product = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect(product.image_asset_id).toBeNull();
    expect(await pendingRows(idOf(src))).toEqual([]);
    await t.drain();
    expect(await t.raw.read(`t/${tenantId}/pending/${idOf(src)}`)).toBeUndefined();
  });

  it('an expired kept photo: the form says to choose it again, and the purge leaves nothing in the store', async () => {
    const { token, src } = keptOf(await keep(web, { sku: 'EXPIRE-1' }));
    const key = `t/${tenantId}/pending/${idOf(src)}`;
    // 24 hours later, as the database sees it: the row expired, its purge due.
    await t.runtime.db
      .updateTable('pending_uploads')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('key', '=', key)
      .execute();
    await t.runtime.db
      .updateTable('purge_queue')
      .set({ not_before: sql<Date>`now()` })
      .where('key', '=', key)
      .execute();
    const count = await products();
    const res = await web.postMultipart('/products/new', { ...fields({ sku: 'EXPIRE-1' }), pending_upload: token, _csrf: web.csrf() });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('The photo you chose before is no longer kept. Please choose it again');
    expect(res.body).not.toContain('name="pending_upload"');
    expect(await products()).toBe(count);
    expect((await web.get(src)).statusCode).toBe(404);
    await t.drain();
    expect(await t.raw.read(key)).toBeUndefined();
    expect(await pendingRows(idOf(src))).toEqual([]);
  });

  it('refuses an iPhone HEIC photo with what to do, in English and Spanish, and keeps nothing', async () => {
    const count = await products();
    const keysBefore = await t.raw.listKeys('');
    await web.get('/products/new');
    const res = await web.postMultipart(
      '/products/new',
      { ...fields({ sku: sku() }), _csrf: web.csrf() },
      { name: 'IMG_0001.HEIC', bytes: heicHeader(), type: 'image/heic' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('HEIC photos (the iPhone’s format) can’t be read here');
    expect(res.body).toContain('Settings › Camera › Formats › Most Compatible');
    const es = new WebClient(t.app, { accept: 'text/html', 'accept-language': 'es' });
    await es.signUp('Fotos', `fotos-${stack}@shop.test`);
    await es.get('/products/new');
    const spanish = await es.postMultipart(
      '/products/new',
      { ...fields({ sku: sku() }), _csrf: es.csrf() },
      { name: 'IMG_0001.HEIC', bytes: heicHeader(), type: 'image/heic' },
    );
    expect(spanish.body).toContain('Ajustes › Cámara › Formatos › Más compatible');
    expect(await products()).toBe(count);
    expect(await t.raw.listKeys('')).toEqual(keysBefore);
  });

  it('a broken image says why on the product page and the edit form, with a way to upload again', async () => {
    await web.get('/products/new');
    const id = productIdFrom(
      await web.postMultipart(
        '/products/new',
        { ...fields({ sku: sku() }), _csrf: web.csrf() },
        { name: 'a.jpg', bytes: photo, type: 'image/jpeg' },
      ),
    );
    const product = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', id).executeTakeFirstOrThrow();
    await t.runtime.db
      .updateTable('assets')
      .set({ status: 'broken', last_error: 'The file is damaged: premature end of JPEG' })
      .where('id', '=', product.image_asset_id!)
      .execute();
    const page = await web.get(`/products/${id}`);
    expect(page.body).toContain('This image could not be processed');
    expect(page.body).toContain('The file is damaged or incomplete');
    expect(page.body).toMatch(new RegExp(`href="/products/${id}/edit[^"]{0,200}#image"`));
    const edit = await web.get(`/products/${id}/edit`);
    expect(edit.body).toContain('This image could not be processed');
    expect(edit.body).toContain('href="#image"');
    const es = await web.get(`/products/${id}`, {
      'accept-language': 'es',
      cookie: `lang=es; vitrina_session=${web.cookies.get('vitrina_session')}`,
    });
    expect(es.body).toContain('No se pudo procesar esta imagen');
  });
});
