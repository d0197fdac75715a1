/**
 * The app-served media routes of the local driver over real HTTP: signed GET (ranges,
 * conditional requests, safety headers, HEAD) and the upload form's POST. What makes a link
 * or a form valid (signature, expiry, key, type) is delivery-urls.test.ts's.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import mediaGet, { MEDIA_CSP } from '../../src/http/routes/media-get.js';
import mediaUpload from '../../src/http/routes/media-upload.js';
import { DeliveryUrls } from '../../src/storage/delivery-urls.js';
import { S3Driver } from '../../src/storage/s3/s3-driver.js';
import { Store } from '../../src/storage/store.js';
import { bytes, postForm } from './contract-helpers.js';
import { startLocalHarness, type LocalHarness } from './local-harness.js';

let h: LocalHarness;
const data = bytes(1000);
const key = 't/1/img/0192f4a1-0000-7000-8000-000000000000/original name.jpg';
const cacheControl = 'public, max-age=31536000, immutable';
let url: string;
/** Added to the real time by the links' and the routes' clock: a test moves it instead of waiting. */
let offset = 0;

beforeAll(async () => {
  h = await startLocalHarness({ now: () => Date.now() + offset });
  await h.store.put(key, data, { contentType: 'image/jpeg', cacheControl });
  url = await h.delivery.signedUrl(h.store, key, { expiresIn: 120 });
});
afterAll(async () => h?.cleanup());

const body = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('GET /media/*', () => {
  it('serves the object with its headers, locked down', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect((await body(res)).equals(data)).toBe(true);
    const head = await h.store.head(key);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': '1000',
      // Private while the link is valid, not the stored public, immutable one (test/http/signed-media-privacy.test.ts has the bound).
      'cache-control': expect.stringMatching(/^private, max-age=\d+$/),
      etag: head.etag,
      'last-modified': head.lastModified?.toUTCString(),
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
      'content-security-policy': MEDIA_CSP,
    });
    expect(res.headers.get('content-disposition')).toBeNull();
  });

  it('refuses a bad signature with 403 and a clear message', async () => {
    const tampered = new URL(url);
    tampered.searchParams.set('signature', 'A'.repeat(43));
    const res = await fetch(tampered);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/signature/);
    const unsigned = await fetch(url.slice(0, url.indexOf('?')));
    expect(unsigned.status).toBe(403);
  });

  it('serves keys with characters that need encoding, and large objects whole', async () => {
    const odd = 'odd/a%b+c?d#é &.bin';
    const big = bytes(5 * 1024 * 1024 + 3);
    await h.store.put(odd, big, { contentType: 'application/octet-stream' });
    const res = await fetch(await h.delivery.signedUrl(h.store, odd));
    expect(res.status).toBe(200);
    expect((await body(res)).equals(big)).toBe(true);
  });

  it('answers 404 for a missing object with a valid signature', async () => {
    const res = await fetch(await h.delivery.signedUrl(h.store, 't/1/img/missing.jpg'));
    expect(res.status).toBe(404);
  });

  it.each([
    ['bytes=0-9', 0, 9],
    ['bytes=990-', 990, 999],
    ['bytes=-10', 990, 999],
    ['bytes=995-5000', 995, 999],
  ])('answers Range %s with 206 and the right bytes', async (range, start, end) => {
    const res = await fetch(url, { headers: { range } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`);
    expect(res.headers.get('content-length')).toBe(String(end - start + 1));
    expect((await body(res)).equals(data.subarray(start, end + 1))).toBe(true);
  });

  it('answers 416 for a range past the end, with Content-Range */size', async () => {
    const res = await fetch(url, { headers: { range: 'bytes=1000-' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */1000');
    expect(res.headers.get('cache-control')).toBeNull();
  });

  it('sends the whole object for a malformed or multiple range, or an If-Range of another version', async () => {
    const cases: Record<string, string>[] = [
      { range: 'bytes=5-2' },
      { range: 'bytes=0-1,5-6' },
      { range: 'bytes=0-1', 'if-range': '"other"' },
    ];
    for (const headers of cases) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(200);
      expect((await body(res)).length).toBe(1000);
    }
  });

  it('answers 304 to If-None-Match with the current etag, and to If-Modified-Since', async () => {
    const { etag, lastModified } = await h.store.head(key);
    const res = await fetch(url, { headers: { 'if-none-match': `"nope", ${etag!}` } });
    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect((await fetch(url, { headers: { 'if-none-match': '"nope"' } })).status).toBe(200);
    const since = await fetch(url, { headers: { 'if-modified-since': lastModified!.toUTCString() } });
    expect(since.status).toBe(304);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await fetch(url, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('1000');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect((await body(res)).length).toBe(0);
    const ranged = await fetch(url, { method: 'HEAD', headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-length')).toBe('10');
  });
});

describe('POST /media-upload', () => {
  const uploadKey = 't/1/img/0192f4a1-0000-7000-8000-000000000001/original.png';
  const tmpFiles = () => readdir(path.join(h.root, 'tmp'));

  it('stores the file under the policy key with the policy type, 204', async () => {
    const post = await h.delivery.uploadForm(h.store, uploadKey, { contentType: 'image/png', maxBytes: 2 * 1024 * 1024 });
    const file = bytes(1.5 * 1024 * 1024); // larger than Fastify's default bodyLimit
    const res = await postForm(post.url, post.fields, file, 'application/pdf');
    expect(res.status, await res.clone().text()).toBe(204);
    expect(await h.store.head(uploadKey)).toMatchObject({ size: file.length, contentType: 'image/png' });
  });

  it('refuses a file over maxBytes with 400 and stores nothing', async () => {
    const post = await h.delivery.uploadForm(h.store, `${uploadKey}.big`, { contentType: 'image/png', maxBytes: 100_000 });
    const res = await postForm(post.url, post.fields, bytes(300_000), 'image/png');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/larger than the 100000 bytes/);
    expect(await h.store.exists(`${uploadKey}.big`)).toBe(false);
    expect(await tmpFiles()).toEqual([]);
  });

  it('refuses an empty file, an expired policy, a forged policy and a file before the fields', async () => {
    const k = `${uploadKey}.refused`;
    const post = await h.delivery.uploadForm(h.store, k, { contentType: 'image/png', maxBytes: 1000 });
    expect((await postForm(post.url, post.fields, Buffer.alloc(0), 'image/png')).status).toBe(400);

    offset = 601_000; // past the form's 10 minutes
    try {
      expect((await postForm(post.url, post.fields, bytes(10), 'image/png')).status).toBe(403);
    } finally {
      offset = 0;
    }

    const otherSecret = new DeliveryUrls({
      appUrl: h.baseUrl,
      secret: 'another secret of at least thirty-two characters',
      signedUrlTtl: 60,
    });
    const forged = await otherSecret.uploadForm(h.store, k, { contentType: 'image/png', maxBytes: 10 ** 9, expiresIn: 10 ** 6 });
    expect((await postForm(forged.url, forged.fields, bytes(10), 'image/png')).status).toBe(403);

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes(10))]), 'x.png');
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    expect((await fetch(post.url, { method: 'POST', body: form })).status).toBe(403);

    expect(await h.store.exists(k)).toBe(false);
    expect(await tmpFiles()).toEqual([]);
  });
});

describe('with a store that serves and takes uploads itself (S3)', () => {
  it('answers 404 on both routes', async () => {
    const s3 = new Store(new S3Driver({ s3: loadConfig({ S3_BUCKET: 'media-routes-test' }).s3 }));
    const deps = { appServed: undefined, store: s3, delivery: h.delivery };
    const app = Fastify();
    await app.register(async (scope) => mediaGet(scope, deps));
    await app.register(async (scope) => mediaUpload(scope, deps));
    try {
      expect((await app.inject({ method: 'GET', url: new URL(url).pathname + new URL(url).search })).statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url: '/media-upload' })).statusCode).toBe(404);
    } finally {
      await app.close();
      await s3.close();
    }
  });
});
