import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { makeImage } from '../media/media-fixtures.js';
import { apiTenant, assetPrefixes, fetchImageUrl, multipart, PDF, type ApiTenant } from './api-client.js';
import type { VariantJson } from '../../src/http/api/product-json.js';
import { purgeExpiredTrash } from '../../src/catalog/trash.service.js';

/** Small enough to go over cheaply, large enough for a 640×480 JPEG. */
const MAX = 256 * 1024;

describe.each(STACKS)('API product images on %s', (stack) => {
  let t: TestApp;
  let a: ApiTenant;
  let jpeg: Buffer;
  beforeAll(async () => {
    t = await startTestApp(stack, { env: { MAX_UPLOAD_SIZE: String(MAX) } });
    jpeg = await makeImage('jpeg', 640, 480);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh tenant (so its key prefix starts empty) with one product. */
  async function tenantWithProduct(name: string): Promise<{ a: ApiTenant; id: number; url: string }> {
    a = await apiTenant(t, name);
    const product = (await a.request('POST', '/api/v1/products', { json: { sku: 'IMG-1', name: 'Pictured', sale_price: '5' } })).json();
    return { a, id: product.id, url: `/api/v1/products/${product.id}/image` };
  }

  /** Fetches every variant URL and checks it serves what the JSON says. */
  async function expectServed(variants: VariantJson[]): Promise<void> {
    expect(variants.length).toBeGreaterThan(0);
    for (const v of variants) {
      const res = await fetchImageUrl(t, v.url);
      expect(res.status, v.url).toBe(200);
      expect(res.contentType).toBe(v.content_type);
      expect(res.body.length).toBe(v.bytes);
      const meta = await sharp(res.body).metadata();
      expect([meta.width, meta.height]).toEqual([v.width, v.height]);
      expect(`image/${meta.format}`).toBe(v.content_type);
    }
  }

  it('takes a multipart upload: 200 processing at once, then ready with variant URLs that serve the bytes', async () => {
    const { a, id, url } = await tenantWithProduct('Multipart');
    const form = await multipart('image', jpeg, 'photo.jpg', 'image/jpeg');
    const res = await a.request('PUT', url, form);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, image: { status: 'processing', width: 640, height: 480, variants: [] } });

    await t.drain();
    const product = (await a.request('GET', `/api/v1/products/${id}`)).json();
    expect(product.image).toMatchObject({ status: 'ready', width: 640, height: 480 });
    const variants = product.image.variants as VariantJson[];
    expect(variants.map((v) => v.name).sort()).toEqual(['original', 'w160', 'w480']);
    expect(variants.find((v) => v.name === 'original')).toMatchObject({ width: 640, height: 480, content_type: 'image/jpeg' });
    expect(variants.find((v) => v.name === 'w160')).toMatchObject({ width: 160, height: 120, content_type: 'image/webp' });
    for (const v of variants) expect(v.url).not.toContain(' ');
    await expectServed(variants);
    // The list shows the same image.
    expect((await a.request('GET', '/api/v1/products')).json().items[0].image.status).toBe('ready');
  });

  it('takes the file in the form field `file` too', async () => {
    const { a, url } = await tenantWithProduct('File field');
    const res = await a.request('PUT', url, await multipart('file', await makeImage('png', 64, 48), 'p.png', 'image/png'));
    expect(res.statusCode).toBe(200);
    expect(res.json().image).toMatchObject({ status: 'processing', width: 64, height: 48 });
    const other = await a.request('PUT', url, await multipart('picture', jpeg, 'p.jpg', 'image/jpeg'));
    expect(other.statusCode).toBe(400);
    expect(other.json().error.message).toContain('"image"');
  });

  it('takes a raw body, judging the type from the bytes whatever the header says', async () => {
    const { a, id, url } = await tenantWithProduct('Raw');
    // JPEG bytes labelled PNG: stored and processed as the JPEG they are.
    const res = await a.request('PUT', url, { payload: jpeg, headers: { 'content-type': 'image/png' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().image.status).toBe('processing');
    await t.drain();
    const product = (await a.request('GET', `/api/v1/products/${id}`)).json();
    expect(product.image.status).toBe('ready');
    expect(product.image.variants.find((v: VariantJson) => v.name === 'original').content_type).toBe('image/jpeg');
    await expectServed(product.image.variants);

    // application/octet-stream, and no Content-Type at all (`curl -T`), are raw bodies too.
    const webp = await makeImage('webp', 320, 240);
    const octet = await a.request('PUT', url, { payload: webp, headers: { 'content-type': 'application/octet-stream' } });
    expect(octet.statusCode).toBe(200);
    expect(octet.json().image).toMatchObject({ status: 'processing', width: 320, height: 240 });
    const bare = await a.request('PUT', url, { payload: webp });
    expect(bare.statusCode).toBe(200);
    await t.drain();
    const last = (await a.request('GET', `/api/v1/products/${id}`)).json();
    expect(last.image.variants.find((v: VariantJson) => v.name === 'original').content_type).toBe('image/webp');
    await expectServed(last.image.variants);
  });

  it('answers 413 for one byte over MAX_UPLOAD_SIZE — raw, streamed or multipart — and stores nothing', async () => {
    const { a, id, url } = await tenantWithProduct('Too large');
    // Starts like a JPEG: refused for its size, not its type.
    const over = Buffer.concat([jpeg.subarray(0, 1024), Buffer.alloc(MAX + 1 - 1024, 0x41)]);
    expect(over.length).toBe(MAX + 1);

    const declared = await a.request('PUT', url, { payload: over, headers: { 'content-type': 'image/jpeg' } });
    expect(declared.statusCode).toBe(413);
    expect(declared.json()).toEqual({ error: { code: 'TooLarge', message: 'File too large. Maximum 0.3 MB' } });

    // No Content-Length: the limit is enforced as the bytes arrive.
    const streamed = await a.request('PUT', url, {
      payload: Readable.from([over.subarray(0, 100_000), over.subarray(100_000, 200_000), over.subarray(200_000)]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json().error.code).toBe('TooLarge');

    const form = await a.request('PUT', url, await multipart('image', over, 'big.jpg', 'image/jpeg'));
    expect(form.statusCode).toBe(413);
    expect(form.json().error.code).toBe('TooLarge');

    // Exactly the limit is not too large (this one is refused for what it is).
    const atLimit = await a.request('PUT', url, {
      payload: Buffer.concat([PDF, Buffer.alloc(MAX - PDF.length, 0x20)]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(atLimit.statusCode).toBe(415);

    await t.drain();
    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual([]);
    expect((await a.request('GET', `/api/v1/products/${id}`)).json().image).toBeNull();
  });

  it('answers 413 to a real HTTP client too, over the socket, before the whole body is read', async () => {
    const { a, url } = await tenantWithProduct('Socket');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const chunk = new Uint8Array(64 * 1024).fill(0x41);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 4 * MAX) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${address}${url}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'image/jpeg' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TooLarge');
    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual([]);
  });

  it('answers 415 "File type not allowed: application/pdf" for a PDF however it is sent, and stores nothing', async () => {
    const { a, id, url } = await tenantWithProduct('PDF');
    const sent = [
      await multipart('image', PDF, 'photo.jpg', 'image/jpeg'),
      { payload: PDF, headers: { 'content-type': 'image/jpeg' } },
      { payload: PDF, headers: { 'content-type': 'application/octet-stream' } },
    ];
    for (const options of sent) {
      const res = await a.request('PUT', url, options);
      expect(res.statusCode).toBe(415);
      expect(res.json()).toEqual({ error: { code: 'UnsupportedMediaType', message: 'File type not allowed: application/pdf' } });
    }
    // A body type that cannot be an image is refused with what to send instead.
    const labelled = await a.request('PUT', url, { payload: PDF, headers: { 'content-type': 'application/pdf' } });
    expect(labelled.statusCode).toBe(415);
    expect(labelled.json().error.message).toMatch(/multipart\/form-data.*application\/octet-stream/);
    const json = await a.request('PUT', url, { json: { image: 'data:image/png;base64,AAAA' } });
    expect(json.statusCode).toBe(415);
    const svg = await a.request('PUT', url, {
      payload: '<svg xmlns="http://www.w3.org/2000/svg"/>',
      headers: { 'content-type': 'image/svg+xml' },
    });
    expect(svg.statusCode).toBe(415);
    expect(svg.json().error.message).toMatch(/^File type not allowed: image\/svg\+xml/);

    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual([]);
    expect((await a.request('GET', `/api/v1/products/${id}`)).json().image).toBeNull();
  });

  it('answers 422 for an empty or damaged image, and stores nothing', async () => {
    const { a, url } = await tenantWithProduct('Damaged');
    const empty = await a.request('PUT', url, { payload: Buffer.alloc(0), headers: { 'content-type': 'image/jpeg' } });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().error).toEqual({ code: 'Unprocessable', message: expect.stringMatching(/empty/) });
    const truncated = await a.request('PUT', url, {
      payload: jpeg.subarray(0, jpeg.length >> 1),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(truncated.statusCode).toBe(422);
    expect(truncated.json().error.code).toBe('Unprocessable');
    const emptyForm = await a.request('PUT', url, await multipart('image', Buffer.alloc(0), 'x.jpg', 'image/jpeg'));
    expect(emptyForm.statusCode).toBe(422);
    const nothing = await a.request('PUT', url);
    expect(nothing.statusCode).toBe(422);
    expect(nothing.json().error.message).toMatch(/empty/);
    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual([]);
  });

  it('replacing an image purges the old objects once drained; removing it purges the rest', async () => {
    const { a, id, url } = await tenantWithProduct('Replace');
    expect((await a.request('PUT', url, await multipart('image', jpeg, 'one.jpg', 'image/jpeg'))).statusCode).toBe(200);
    await t.drain();
    const first = assetPrefixes(await t.raw.listKeys(`t/${a.tenantId}/`));
    expect(first.size).toBe(1);
    const [oldPrefix] = [...first];
    expect(oldPrefix).toMatch(new RegExp(`^t/${a.tenantId}/img/`));

    const replaced = await a.request('PUT', url, { payload: await makeImage('png', 200, 100), headers: { 'content-type': 'image/png' } });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().image).toMatchObject({ status: 'processing', width: 200, height: 100 });
    await t.drain();
    const keys = await t.raw.listKeys(`t/${a.tenantId}/`);
    const second = assetPrefixes(keys);
    expect(second.size).toBe(1);
    expect(second.has(oldPrefix!)).toBe(false);
    const product = (await a.request('GET', `/api/v1/products/${id}`)).json();
    expect(product.image).toMatchObject({ status: 'ready', width: 200, height: 100 });
    expect(keys).toHaveLength(product.image.variants.length);
    await expectServed(product.image.variants);

    const removed = await a.request('DELETE', url);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ id, image: null });
    expect((await a.request('DELETE', url)).statusCode).toBe(200);
    await t.drain();
    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual([]);
  });

  it('deleting a product keeps its image objects while it is in the trash, and purges them when the trash expires', async () => {
    const { a, id, url } = await tenantWithProduct('Delete');
    expect((await a.request('PUT', url, { payload: jpeg, headers: { 'content-type': 'image/jpeg' } })).statusCode).toBe(200);
    await t.drain();
    const keys = await t.raw.listKeys(`t/${a.tenantId}/`);
    expect(keys.length).toBeGreaterThan(0);
    expect((await a.request('DELETE', `/api/v1/products/${id}`)).statusCode).toBe(200);
    await t.drain();
    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual(keys);
    await purgeExpiredTrash({ db: t.runtime.db }, new Date(Date.now() + 31 * 86_400_000));
    await t.drain();
    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual([]);
  });

  it('answers 404 for an upload to a product that does not exist, storing nothing', async () => {
    const { a } = await tenantWithProduct('Nowhere');
    const res = await a.request('PUT', '/api/v1/products/2147483647/image', { payload: jpeg, headers: { 'content-type': 'image/jpeg' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NotFound');
    expect((await a.request('DELETE', '/api/v1/products/2147483647/image')).statusCode).toBe(404);
    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual([]);
  });
});
