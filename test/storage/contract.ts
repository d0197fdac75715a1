/**
 * The ObjectStore contract, run against every driver. Every check goes through `raw` (the raw
 * SDK, or the filesystem), never through the driver under test.
 *
 * @example
 *   describeObjectStoreContract('LocalObjectStore', async (options) => {
 *     const store = new LocalObjectStore({ ..., publicBaseUrl: options.publicBaseUrl });
 *     return { store, raw: localRawInspector(root), cleanup: () => rm(root, { recursive: true }) };
 *   });
 *
 * `signedUrl` and `presignedPost` are fetched with the global `fetch`: a driver whose URLs are
 * served by the app must have that server listening before `setup` resolves.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { RawInspector } from './raw-inspector.js';
import { bytes, endlessStream, expectStorageError, postForm, readAll, sha256, streamOf, untouchedStream } from './contract-helpers.js';

export interface ContractFixture {
  store: ObjectStore;
  raw: RawInspector;
  cleanup(): Promise<void>;
}

/** What a driver offers beyond the core contract (both default to true). */
export interface ContractCapabilities {
  /** Direct browser uploads with a store-enforced policy. */
  presignedPost?: boolean;
  /** A public (CDN) base URL. */
  publicBase?: boolean;
}

export interface ContractSetupOptions {
  /** Public (CDN) base URL the store should build `publicUrl`s on; unset means none. */
  publicBaseUrl?: string | undefined;
}

const MiB = 1024 * 1024;
const INVALID_KEYS = ['../x', '/abs', 'a/../b', 'a\u0000b', '', 'a//b', 'a\\b', 'a\uD800b'];

export function describeObjectStoreContract(
  name: string,
  setup: (options: ContractSetupOptions) => Promise<ContractFixture>,
  capabilities: ContractCapabilities = {},
): void {
  const { presignedPost = true, publicBase = true } = capabilities;
  describe(`ObjectStore contract: ${name}`, () => {
    let fx: ContractFixture;
    const root = `contract-${randomUUID()}/`;
    let n = 0;
    /** A fresh prefix per test, so tests never see each other's objects. */
    const prefix = () => `${root}${++n}/`;

    beforeAll(async () => {
      fx = await setup({});
    }, 60_000);
    afterAll(async () => {
      await fx?.cleanup();
    }, 60_000);

    describe('put', () => {
      it('stores a buffer: size and sha256 match the raw bytes', async () => {
        const key = `${prefix()}buffer.bin`;
        const data = bytes(100_000);
        const result = await fx.store.put(key, data, { contentType: 'application/octet-stream' });
        const stored = await fx.raw.read(key);
        expect(stored?.equals(data)).toBe(true);
        expect(result).toMatchObject({ key, size: data.length, sha256: sha256(stored!) });
      });

      it('stores a stream of known length', async () => {
        const key = `${prefix()}known.bin`;
        const data = bytes(300_000);
        const result = await fx.store.put(key, streamOf(data), { contentType: 'application/octet-stream', contentLength: data.length });
        const stored = await fx.raw.read(key);
        expect(stored?.equals(data)).toBe(true);
        expect(result).toMatchObject({ size: data.length, sha256: sha256(stored!) });
      });

      it('stores a stream of unknown length', async () => {
        const key = `${prefix()}unknown.bin`;
        const data = bytes(300_000);
        const result = await fx.store.put(key, streamOf(data), { contentType: 'application/octet-stream' });
        const stored = await fx.raw.read(key);
        expect(stored?.equals(data)).toBe(true);
        expect(result).toMatchObject({ size: data.length, sha256: sha256(stored!) });
      });

      it('keeps content type, cache control, disposition and metadata', async () => {
        const key = `${prefix()}meta.webp`;
        const options = {
          contentType: 'image/webp',
          cacheControl: 'public, max-age=31536000, immutable',
          contentDisposition: 'inline; filename="photo.webp"',
          metadata: { 'original-name': 'photo.jpg', tenant: '42' },
        };
        await fx.store.put(key, bytes(1000), options);
        expect(await fx.raw.contentType(key)).toBe('image/webp');
        const head = await fx.store.head(key);
        expect(head).toMatchObject({ key, size: 1000, ...options });
        const got = await fx.store.get(key);
        await readAll(got.body);
        expect(got).toMatchObject(options);
      });

      it('stores a buffer sent with its right sha256, refuses one whose bytes do not match, and leaves nothing', async () => {
        const p = prefix();
        const data = bytes(50_000);
        expect(await fx.store.checksSha256OnWrite()).toBe(true);
        const ok = await fx.store.put(`${p}right`, data, { contentType: 'application/octet-stream', sha256: sha256(data) });
        expect(ok.sha256).toBe(sha256(data));
        // The sha256 a source recorded, sent with bytes damaged since: the store must not keep them.
        const damaged = Buffer.from(data);
        damaged[123]! ^= 0xff;
        const err = await expectStorageError(
          fx.store.put(`${p}damaged`, damaged, { contentType: 'application/octet-stream', sha256: sha256(data) }),
          'StoreError',
        );
        expect(err.message).toMatch(/do not match the sha256 they were sent with/);
        expect(await fx.raw.listKeys(p)).toEqual([`${p}right`]);
        expect(await fx.raw.leftovers(p)).toBe(0);
      });

      it('accepts exactly maxBytes', async () => {
        const p = prefix();
        const data = bytes(4096);
        await fx.store.put(`${p}buf`, data, { contentType: 'application/octet-stream', maxBytes: 4096 });
        await fx.store.put(`${p}stream`, streamOf(data, 1000), { contentType: 'application/octet-stream', maxBytes: 4096 });
        expect(await fx.raw.listKeys(p)).toEqual([`${p}buf`, `${p}stream`]);
      });

      it('refuses maxBytes + 1 with TooLarge and leaves nothing', async () => {
        const p = prefix();
        const data = bytes(4097);
        await expectStorageError(fx.store.put(`${p}buf`, data, { contentType: 'x/y', maxBytes: 4096 }), 'TooLarge');
        await expectStorageError(fx.store.put(`${p}stream`, streamOf(data, 1000), { contentType: 'x/y', maxBytes: 4096 }), 'TooLarge');
        // A declared length within the limit does not let more bytes through.
        await expectStorageError(
          fx.store.put(`${p}known`, streamOf(data, 1000), { contentType: 'x/y', maxBytes: 4096, contentLength: 4096 }),
          'TooLarge',
        );
        expect(await fx.raw.listKeys(p)).toEqual([]);
        expect(await fx.raw.leftovers(p)).toBe(0);
      });

      it('refuses a declared contentLength over maxBytes at once, without reading', async () => {
        const p = prefix();
        const body = untouchedStream();
        await expectStorageError(fx.store.put(`${p}big`, body, { contentType: 'x/y', maxBytes: 10, contentLength: 11 }), 'TooLarge');
        expect(body.touched()).toBe(false);
        expect(await fx.raw.listKeys(p)).toEqual([]);
      });

      it('refuses a stream over maxBytes spanning several parts, leaving no open upload', async () => {
        const p = prefix();
        const data = Buffer.alloc(12 * MiB + 1, 1);
        await expectStorageError(fx.store.put(`${p}big`, streamOf(data, MiB), { contentType: 'x/y', maxBytes: 12 * MiB }), 'TooLarge');
        expect(await fx.raw.listKeys(p)).toEqual([]);
        expect(await fx.raw.leftovers(p)).toBe(0);
      }, 60_000);

      it('aborts a known-length stream mid-way: Aborted, nothing left', async () => {
        const p = prefix();
        const controller = new AbortController();
        const body = endlessStream((total) => total >= 256 * 1024 && controller.abort());
        await expectStorageError(
          fx.store.put(`${p}slow`, body, { contentType: 'x/y', contentLength: 2 * MiB, signal: controller.signal }),
          'Aborted',
        );
        expect(await fx.raw.listKeys(p)).toEqual([]);
        expect(await fx.raw.leftovers(p)).toBe(0);
      }, 30_000);

      it('aborts an unknown-length multi-part stream mid-way: Aborted, no open upload', async () => {
        const p = prefix();
        const controller = new AbortController();
        const body = endlessStream((total) => total >= 11 * MiB && controller.abort());
        await expectStorageError(fx.store.put(`${p}slow`, body, { contentType: 'x/y', signal: controller.signal }), 'Aborted');
        expect(body.fed()).toBeGreaterThanOrEqual(11 * MiB);
        expect(await fx.raw.listKeys(p)).toEqual([]);
        expect(await fx.raw.leftovers(p)).toBe(0);
      }, 60_000);

      it('refuses an already-aborted signal', async () => {
        const p = prefix();
        await expectStorageError(fx.store.put(`${p}x`, bytes(10), { contentType: 'x/y', signal: AbortSignal.abort() }), 'Aborted');
        expect(await fx.raw.listKeys(p)).toEqual([]);
      });
    });

    describe('get, head, exists', () => {
      let key: string;
      const data = bytes(1000);
      beforeAll(async () => {
        key = `${prefix()}range.bin`;
        await fx.raw.write(key, data, 'application/octet-stream');
      });

      it('reads the whole object', async () => {
        const got = await fx.store.get(key);
        expect((await readAll(got.body)).equals(data)).toBe(true);
        expect(got).toMatchObject({ contentLength: 1000, totalSize: 1000, range: undefined, contentType: 'application/octet-stream' });
      });

      it.each([
        ['first bytes', { start: 0, end: 9 }, { start: 0, end: 9 }],
        ['middle', { start: 100, end: 199 }, { start: 100, end: 199 }],
        ['open-ended suffix', { start: 990 }, { start: 990, end: 999 }],
        ['end past the object', { start: 995, end: 5000 }, { start: 995, end: 999 }],
      ])('reads a range: %s', async (_label, range, returned) => {
        const got = await fx.store.get(key, { range });
        const body = await readAll(got.body);
        expect(body.equals(data.subarray(returned.start, returned.end + 1))).toBe(true);
        expect(got).toMatchObject({ contentLength: returned.end - returned.start + 1, totalSize: 1000, range: returned });
      });

      it('answers ObjectNotFound for a range starting past the end', async () => {
        await expectStorageError(fx.store.get(key, { range: { start: 1000 } }), 'ObjectNotFound');
      });

      it('heads and checks existence', async () => {
        expect(await fx.store.head(key)).toMatchObject({ key, size: 1000, contentType: 'application/octet-stream' });
        expect(await fx.store.exists(key)).toBe(true);
        expect(await fx.store.exists(`${key}.missing`)).toBe(false);
      });

      it('answers ObjectNotFound for a missing key', async () => {
        await expectStorageError(fx.store.get(`${key}.missing`), 'ObjectNotFound');
        await expectStorageError(fx.store.head(`${key}.missing`), 'ObjectNotFound');
      });
    });

    describe('delete', () => {
      it('deletes, and deleting again succeeds', async () => {
        const p = prefix();
        await fx.raw.write(`${p}a`, bytes(10), 'x/y');
        await fx.store.delete(`${p}a`);
        expect(await fx.raw.listKeys(p)).toEqual([]);
        await fx.store.delete(`${p}a`);
      });

      it('deletes many, a missing key included', async () => {
        const p = prefix();
        const keys = [`${p}a`, `${p}b`, `${p}c/d`];
        for (const k of keys) await fx.raw.write(k, bytes(10), 'x/y');
        const result = await fx.store.deleteMany([...keys, `${p}missing`]);
        expect(result.failed).toEqual([]);
        expect(result.deleted).toEqual(expect.arrayContaining(keys));
        expect(await fx.raw.listKeys(p)).toEqual([]);
      });
    });

    describe('list', () => {
      const p = `${root}list/`;
      const keys = ['a', 'b', 'c/1', 'c/2', 'd'].map((k) => `${p}in/${k}`);
      beforeAll(async () => {
        for (const k of keys) await fx.raw.write(k, bytes(7), 'x/y');
        await fx.raw.write(`${p}inside-not`, bytes(7), 'x/y');
      });

      it('pages with a prefix and a limit, in ascending order', async () => {
        const seen: string[] = [];
        const pageSizes: number[] = [];
        let token: string | undefined;
        do {
          const page = await fx.store.list(`${p}in/`, { limit: 2, token });
          pageSizes.push(page.objects.length);
          seen.push(...page.objects.map((o) => o.key));
          expect(page.objects.every((o) => o.size === 7)).toBe(true);
          token = page.nextToken;
        } while (token !== undefined);
        expect(pageSizes).toEqual([2, 2, 1]);
        expect(seen).toEqual(keys);
      });

      it('lists everything with listAll', async () => {
        const seen: string[] = [];
        for await (const o of fx.store.listAll(`${p}in/`)) seen.push(o.key);
        expect(seen).toEqual(keys);
      });
    });

    describe('copy', () => {
      it('copies bytes, type, cache control and metadata', async () => {
        const p = prefix();
        const data = bytes(5000);
        await fx.store.put(`${p}src file.png`, data, { contentType: 'image/png', cacheControl: 'no-cache', metadata: { a: 'b' } });
        await fx.store.copy(`${p}src file.png`, `${p}dst.png`);
        expect((await fx.raw.read(`${p}dst.png`))?.equals(data)).toBe(true);
        expect(await fx.raw.contentType(`${p}dst.png`)).toBe('image/png');
        expect(await fx.store.head(`${p}dst.png`)).toMatchObject({ cacheControl: 'no-cache', metadata: { a: 'b' } });
      });

      it('answers ObjectNotFound for a missing source', async () => {
        const p = prefix();
        await expectStorageError(fx.store.copy(`${p}missing`, `${p}dst`), 'ObjectNotFound');
        expect(await fx.raw.listKeys(p)).toEqual([]);
      });
    });

    describe('keys', () => {
      it.each(INVALID_KEYS)('refuses %j with InvalidKey for put, get, head and delete', async (key) => {
        await expectStorageError(fx.store.put(key, bytes(1), { contentType: 'x/y' }), 'InvalidKey');
        await expectStorageError(fx.store.get(key), 'InvalidKey');
        await expectStorageError(fx.store.head(key), 'InvalidKey');
        await expectStorageError(fx.store.delete(key), 'InvalidKey');
      });
    });

    describe('URLs', () => {
      it('signs a GET URL that serves the bytes with the asked Content-Disposition', async () => {
        const p = prefix();
        const data = bytes(2048);
        await fx.raw.write(`${p}a.bin`, data, 'application/octet-stream');
        await fx.raw.write(`${p}b.bin`, bytes(10), 'application/octet-stream');
        const disposition = 'attachment; filename="a.bin"';
        const url = await fx.store.signedUrl(`${p}a.bin`, { contentDisposition: disposition, expiresIn: 60 });
        const res = await fetch(url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-disposition')).toBe(disposition);
        // Private, and cached no longer than the signature lives: no shared cache keeps it past expiry.
        const cacheControl = res.headers.get('cache-control') ?? '';
        expect(cacheControl).toMatch(/^private, max-age=\d{1,2}$/);
        expect(Number(cacheControl.split('=')[1])).toBeLessThanOrEqual(60);
        expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);

        // The same signature for another key, or a changed signature, is refused.
        const otherKey = new URL(url);
        otherKey.pathname = otherKey.pathname.replace(/a\.bin$/, 'b.bin');
        expect(await statusOf(otherKey.toString())).toBeGreaterThanOrEqual(400);
        const tampered = new URL(url);
        for (const [name, value] of tampered.searchParams) {
          if (/sig|token/i.test(name)) tampered.searchParams.set(name, value.slice(0, -1) + (value.endsWith('0') ? '1' : '0'));
        }
        expect(await statusOf(tampered.toString())).toBeGreaterThanOrEqual(400);
      });

      it('refuses an expired signed URL', async () => {
        const p = prefix();
        await fx.raw.write(`${p}a.bin`, bytes(10), 'application/octet-stream');
        const url = await fx.store.signedUrl(`${p}a.bin`, { expiresIn: 1 });
        await sleep(2_500);
        const status = await statusOf(url);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }, 10_000);

      onlyIf(!presignedPost)('refuses to presign a POST it could not enforce', async () => {
        await expectStorageError(fx.store.presignedPost(`${prefix()}x.png`, { contentType: 'image/png', maxBytes: 10 }), 'StoreError');
      });

      onlyIf(presignedPost)('presigns a POST the store itself enforces', async () => {
        const p = prefix();
        const key = `${p}upload.png`;
        const post = await fx.store.presignedPost(key, { contentType: 'image/png', maxBytes: 1000 });
        expect(post.fields['Content-Type']).toBe('image/png');

        const over = await postForm(post.url, post.fields, bytes(1001), 'image/png');
        expect(over.status).toBeGreaterThanOrEqual(400);
        expect(over.status).toBeLessThan(500);
        const wrongType = await postForm(post.url, { ...post.fields, 'Content-Type': 'text/html' }, bytes(10), 'text/html');
        expect(wrongType.status).toBeGreaterThanOrEqual(400);
        expect(wrongType.status).toBeLessThan(500);
        const otherKey = await postForm(post.url, { ...post.fields, key: `${p}other.png` }, bytes(10), 'image/png');
        expect(otherKey.status).toBeGreaterThanOrEqual(400);
        expect(otherKey.status).toBeLessThan(500);
        expect(await fx.raw.listKeys(p)).toEqual([]);

        const data = bytes(1000);
        const ok = await postForm(post.url, post.fields, data, 'image/png');
        expect(ok.status, await ok.clone().text()).toBeGreaterThanOrEqual(200);
        expect(ok.status).toBeLessThan(400);
        expect((await fx.raw.read(key))?.equals(data)).toBe(true);
        expect(await fx.raw.contentType(key)).toBe('image/png');
        expect(await fx.raw.listKeys(p)).toEqual([key]);
      });

      onlyIf(!publicBase)('never gives a public URL', async () => {
        expect(fx.store.publicUrl('t/1/img/a b.jpg')).toBeUndefined();
      });

      onlyIf(publicBase)(
        'gives a public URL only when a public base is configured',
        async () => {
          expect(fx.store.publicUrl('t/1/img/a b.jpg')).toBeUndefined();
          const pub = await setup({ publicBaseUrl: 'https://cdn.example.test/media' });
          try {
            expect(pub.store.publicUrl('t/1/img/a b.jpg')).toBe('https://cdn.example.test/media/t/1/img/a%20b.jpg');
          } finally {
            await pub.cleanup();
          }
        },
        30_000,
      );
    });
  });
}

/** `it` for a test that applies to this driver; nothing at all (not even "skipped") otherwise. */
function onlyIf(applies: boolean): (name: string, test: () => Promise<void>, timeout?: number) => void {
  return applies ? (name, test, timeout) => it(name, test, timeout) : () => undefined;
}

async function statusOf(url: string): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}
