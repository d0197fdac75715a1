/**
 * DeliveryUrls against the stores it makes URLs for, fetched for real: presigned S3 GETs and
 * POSTs on the test RGW, and app-served links through the app's real media routes (a local
 * folder via local-harness.ts, and the database spool). App-served expiry is tested by moving
 * the injected clock; S3's own clock cannot be moved, so its expired link waits once, for what
 * is left of its 1-second life after the other S3 tests ran.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import mediaGet from '../../src/http/routes/media-get.js';
import { DeliveryUrls } from '../../src/storage/delivery-urls.js';
import { LocalDriver } from '../../src/storage/local/local-driver.js';
import { S3Driver } from '../../src/storage/s3/s3-driver.js';
import { DatabaseSpoolDriver } from '../../src/storage/spool/database-spool-driver.js';
import { Store } from '../../src/storage/store.js';
import { createTestDatabase } from '../support/database.js';
import { bytes, expectStorageError, postForm } from './contract-helpers.js';
import { startLocalHarness, type LocalHarness } from './local-harness.js';
import { createS3RawInspector } from './s3-raw-inspector.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

const SECRET = 'delivery-urls-test-secret-0123456789abcdef';
const body = async (res: Response) => Buffer.from(await res.arrayBuffer());
const messageOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

/** A signature's last character changed: still well-formed, no longer valid. */
function tampered(url: string, param: string): string {
  const u = new URL(url);
  const value = u.searchParams.get(param)!;
  u.searchParams.set(param, value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A'));
  return u.toString();
}

/** The same query string on another key's path. */
function onOtherKey(url: string, from: string, to: string): string {
  const u = new URL(url);
  u.pathname = u.pathname.replace(from, to);
  return u.toString();
}

describe('what every store gets', () => {
  // Making a URL does no I/O: the folder is never created.
  const local = new Store(new LocalDriver({ root: path.join(tmpdir(), 'vitrina-delivery-unused') }));
  const urls = new DeliveryUrls({
    appUrl: 'https://shop.example/',
    secret: SECRET,
    signedUrlTtl: 60,
    publicBaseUrl: 'https://cdn.example/m/',
  });

  it('gives a public URL only for a store whose objects are public, and encodes the key', () => {
    const s3 = new Store(new S3Driver({ s3: testS3Config({ S3_BUCKET: 'public-bucket', S3_PUBLIC_URL: 'https://cdn.example/m' }) }));
    try {
      expect(urls.publicUrl(s3, 't/1/img/a b#?.jpg')).toBe('https://cdn.example/m/t/1/img/a%20b%23%3F.jpg');
      expect(urls.publicUrl(local, 't/1/img/a.jpg')).toBeUndefined();
      const noBase = new DeliveryUrls({ appUrl: 'https://shop.example', secret: SECRET, signedUrlTtl: 60 });
      expect(noBase.publicUrl(s3, 't/1/img/a.jpg')).toBeUndefined();
    } finally {
      void s3.close();
    }
  });

  it('refuses an invalid key, a lifetime that is not whole seconds, and a disposition that is not printable ASCII', async () => {
    await expectStorageError(
      Promise.resolve().then(() => urls.publicUrl(local, '../x')),
      'InvalidKey',
    );
    await expectStorageError(urls.signedUrl(local, 'a//b'), 'InvalidKey');
    await expectStorageError(urls.signedUrl(local, 'a', { expiresIn: 0 }), 'StoreError');
    await expectStorageError(urls.signedUrl(local, 'a', { expiresIn: 1.5 }), 'StoreError');
    await expectStorageError(urls.signedUrl(local, 'a', { contentDisposition: 'inline; filename="é.jpg"' }), 'StoreError');
    await expectStorageError(urls.signedUrl(local, 'a', { contentDisposition: 'inline\r\nx: y' }), 'StoreError');
    await expectStorageError(urls.signedUrl(local, 'a', { contentDisposition: 'a'.repeat(2000) }), 'StoreError');
  });

  it('refuses an upload form it could not hold to its terms', async () => {
    await expectStorageError(urls.uploadForm(local, 't/1/${filename}', { contentType: 'image/png', maxBytes: 10 }), 'InvalidKey');
    await expectStorageError(urls.uploadForm(local, 't/1/a', { contentType: 'image/png', maxBytes: 0 }), 'StoreError');
    await expectStorageError(urls.uploadForm(local, 't/1/a', { contentType: 'image/png', maxBytes: 1.5 }), 'StoreError');
    await expectStorageError(urls.uploadForm(local, 't/1/a', { contentType: ' image/png', maxBytes: 10 }), 'StoreError');
    await expectStorageError(urls.uploadForm(local, 't/1/a', { contentType: 'image/p\u00e9ng', maxBytes: 10 }), 'StoreError');
    await expectStorageError(urls.uploadForm(local, 't/1/a', { contentType: 'image/png', maxBytes: 10, expiresIn: -1 }), 'StoreError');
  });

  it('points app-served links at APP_URL, and accepts them only with the same secret', async () => {
    const url = await urls.signedUrl(local, 't/1/img/a b.jpg', { expiresIn: 60 });
    expect(url).toMatch(/^https:\/\/shop\.example\/media\/t\/1\/img\/a%20b\.jpg\?expires=\d+&signature=[\w-]{43}$/);
    const query = Object.fromEntries(new URL(url).searchParams);
    expect(urls.verifyMediaGet('t/1/img/a b.jpg', query)).toMatchObject({ ok: true, value: { disposition: undefined } });
    const other = new DeliveryUrls({ appUrl: 'https://shop.example', secret: `${SECRET}-other`, signedUrlTtl: 60 });
    expect(other.verifyMediaGet('t/1/img/a b.jpg', query)).toMatchObject({ ok: false, message: expect.stringMatching(/signature/) });
    // An upload signature never passes as a GET one, nor the other way round (per-purpose keys).
    const form = await urls.uploadForm(local, 't/1/img/a b.jpg', { contentType: 'image/png', maxBytes: 10 });
    expect(form.url).toBe('https://shop.example/media-upload');
    expect(urls.verifyMediaGet('t/1/img/a b.jpg', { ...query, signature: form.fields.signature })).toMatchObject({ ok: false });
    expect(urls.verifyUpload({ ...form.fields, signature: query.signature })).toMatchObject({ ok: false });
    expect(urls.verifyUpload(form.fields)).toMatchObject({ ok: true, value: { key: 't/1/img/a b.jpg', maxBytes: 10 } });
  });
});

describe('S3: presigned by the store', () => {
  const s3 = testS3Config({ S3_BUCKET: uniqueBucketName('delivery') });
  const admin = rawS3Client(s3);
  const raw = createS3RawInspector(admin, s3.bucket);
  const store = new Store(new S3Driver({ s3 }));
  const urls = new DeliveryUrls({ appUrl: 'http://unused.invalid', secret: SECRET, signedUrlTtl: 60 });
  const data = bytes(2048);
  let shortLived: { url: string; validUntil: number };

  beforeAll(async () => {
    await createBucket(admin, s3.bucket);
    await raw.write('t/1/img/a.bin', data, 'application/octet-stream');
    await raw.write('t/1/img/b.bin', bytes(10), 'application/octet-stream');
    // Made first, checked last: the tests in between use up most of the wait for its expiry.
    const signedAt = Date.now();
    shortLived = { url: await urls.signedUrl(store, 't/1/img/a.bin', { expiresIn: 1 }), validUntil: signedAt + 1000 };
  }, 30_000);
  afterAll(async () => {
    await store.close();
    await destroyBucket(admin, s3.bucket);
    admin.destroy();
  }, 30_000);

  it('signs a GET served with the asked disposition, private, cached for half its life', async () => {
    const disposition = 'attachment; filename="a.bin"';
    const url = await urls.signedUrl(store, 't/1/img/a.bin', { contentDisposition: disposition, expiresIn: 60 });
    expect(new URL(url).origin).toBe(new URL(s3.endpoint!).origin);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(disposition);
    expect(res.headers.get('cache-control')).toBe('private, max-age=30');
    expect((await body(res)).equals(data)).toBe(true);
  });

  it('refuses its signature on another key, and a changed signature', async () => {
    const url = await urls.signedUrl(store, 't/1/img/a.bin', { expiresIn: 60 });
    expect((await fetch(onOtherKey(url, 'a.bin', 'b.bin'))).status).toBe(403);
    expect((await fetch(tampered(url, 'X-Amz-Signature'))).status).toBe(403);
  });

  it('presigns a POST the store itself holds to its key, type and size', async () => {
    const key = 't/1/incoming/upload.png';
    const post = await urls.uploadForm(store, key, { contentType: 'image/png', maxBytes: 1000 });
    expect(post.fields['Content-Type']).toBe('image/png');
    const refused = [
      await postForm(post.url, post.fields, bytes(1001), 'image/png'),
      await postForm(post.url, { ...post.fields, 'Content-Type': 'text/html' }, bytes(10), 'text/html'),
      await postForm(post.url, { ...post.fields, key: 't/1/incoming/other.png' }, bytes(10), 'image/png'),
    ];
    for (const res of refused) {
      await res.arrayBuffer();
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await raw.listKeys('t/1/incoming/')).toEqual([]);

    const ok = await postForm(post.url, post.fields, data.subarray(0, 1000), 'image/png');
    expect(ok.status, await ok.clone().text()).toBeLessThan(300);
    expect((await raw.read(key))?.equals(data.subarray(0, 1000))).toBe(true);
    expect(await raw.contentType(key)).toBe('image/png');
  });

  it('refuses an expired link', async () => {
    // The server's clock counts whole seconds: wait until the link is over a second past its end.
    await sleep(Math.max(0, shortLived.validUntil + 1100 - Date.now()));
    const res = await fetch(shortLived.url);
    await res.arrayBuffer();
    expect(res.status).toBe(403);
  });
});

describe('app-served: a local folder behind the media routes', () => {
  let h: LocalHarness;
  // The clock both the links and the routes read: whole seconds, so max-age is exact.
  let clock = Math.floor(Date.now() / 1000) * 1000;
  const key = 't/1/img/0192f4a1-0000-7000-8000-000000000000/w480 é.webp';
  const data = bytes(1000);

  beforeAll(async () => {
    h = await startLocalHarness({ now: () => clock });
    await h.store.put(key, data, { contentType: 'image/webp', cacheControl: 'public, max-age=31536000, immutable' });
  });
  afterAll(async () => h?.cleanup());

  it('signs a GET served with the asked disposition, private for exactly the seconds it has left', async () => {
    const url = await h.delivery.signedUrl(h.store, key, { expiresIn: 90, contentDisposition: 'attachment; filename="w480.webp"' });
    expect(url.startsWith(`${h.baseUrl}/media/`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="w480.webp"');
    expect(res.headers.get('cache-control')).toBe('private, max-age=90');
    expect((await body(res)).equals(data)).toBe(true);
    clock += 30_500;
    expect((await fetch(url, { method: 'HEAD' })).headers.get('cache-control')).toBe('private, max-age=59');
  });

  it('serves a range', async () => {
    const res = await fetch(await h.delivery.signedUrl(h.store, key), { headers: { range: 'bytes=10-19' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect((await body(res)).equals(data.subarray(10, 20))).toBe(true);
  });

  it('refuses an expired link, a changed signature, another key, a changed disposition and no signature', async () => {
    const url = await h.delivery.signedUrl(h.store, key, { expiresIn: 60, contentDisposition: 'inline' });
    const otherKey = 't/1/img/0192f4a1-0000-7000-8000-000000000000/w960.webp';
    await h.store.put(otherKey, bytes(10), { contentType: 'image/webp' });
    const changedDisposition = new URL(url);
    changedDisposition.searchParams.set('disposition', 'attachment; filename="evil.html"');
    for (const refused of [
      tampered(url, 'signature'),
      onOtherKey(url, 'w480%20%C3%A9.webp', 'w960.webp'),
      changedDisposition.toString(),
      url.slice(0, url.indexOf('?')),
    ]) {
      const res = await fetch(refused);
      expect(res.status, refused).toBe(403);
      expect(await messageOf(res)).toMatch(/signature|not signed/);
    }
    expect((await fetch(url)).status).toBe(200);

    clock += 60_000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await messageOf(expired)).toMatch(/expired/);
  });

  it('makes an upload form the route holds to its key, type, size and lifetime', async () => {
    const uploadKey = 't/1/incoming/0192f4a1-0000-7000-8000-000000000001';
    const post = await h.delivery.uploadForm(h.store, uploadKey, { contentType: 'image/png', maxBytes: 1000 });
    expect(post.url).toBe(`${h.baseUrl}/media-upload`);
    const tooLarge = await postForm(post.url, post.fields, bytes(1001), 'image/png');
    expect(tooLarge.status).toBe(400);
    expect(await messageOf(tooLarge)).toMatch(/larger than the 1000 bytes/);
    const wrongType = await postForm(post.url, { ...post.fields, 'Content-Type': 'text/html' }, bytes(10), 'text/html');
    expect(wrongType.status).toBe(403);
    const otherKey = await postForm(post.url, { ...post.fields, key: `${uploadKey}-other` }, bytes(10), 'image/png');
    expect(otherKey.status).toBe(403);
    expect(await h.store.exists(uploadKey)).toBe(false);

    const ok = await postForm(post.url, post.fields, data, 'application/pdf');
    expect(ok.status, await ok.clone().text()).toBe(204);
    expect(await h.store.head(uploadKey)).toMatchObject({ size: 1000, contentType: 'image/png' });

    clock += 601_000;
    const late = await postForm(post.url, post.fields, bytes(10), 'image/png');
    expect(late.status).toBe(403);
    expect(await messageOf(late)).toMatch(/expired/);
  });
});

describe('app-served: the database spool behind the media route', () => {
  it('serves a spooled object through a signed link', async () => {
    const database = await createTestDatabase('postgres');
    const store = new Store(new DatabaseSpoolDriver({ db: database.db }));
    const app = Fastify();
    app.setErrorHandler((err, _request, reply) =>
      reply.status(err instanceof AppError ? err.status : 500).send({ error: { message: (err as Error).message } }),
    );
    const checking = new DeliveryUrls({ appUrl: 'http://unused.invalid', secret: SECRET, signedUrlTtl: 60 });
    await app.register(async (scope) => mediaGet(scope, { appServed: store, delivery: checking }));
    try {
      const urls = new DeliveryUrls({ appUrl: await app.listen({ host: '127.0.0.1', port: 0 }), secret: SECRET, signedUrlTtl: 60 });
      const data = bytes(5000);
      await store.put('t/1/incoming/spooled', data, { contentType: 'image/jpeg' });
      const res = await fetch(await urls.signedUrl(store, 't/1/incoming/spooled'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect((await body(res)).equals(data)).toBe(true);
      const ranged = await fetch(await urls.signedUrl(store, 't/1/incoming/spooled'), { headers: { range: 'bytes=4990-' } });
      expect([ranged.status, (await body(ranged)).equals(data.subarray(4990))]).toEqual([206, true]);
    } finally {
      await app.close();
      await database.cleanup();
    }
  }, 30_000);
});
