/**
 * The storage contract, run through the facade (`Store`) against every driver. Every check goes
 * through `raw` (the raw SDK, the filesystem, SQL on the spool table), never through the store
 * under test. URLs are not the store's business any more: delivery-urls.test.ts has them.
 *
 * @example
 *   describeObjectStoreContract('local folder', async () => {
 *     const root = await mkdtemp(path.join(tmpdir(), 'vitrina-'));
 *     const store = new Store(new LocalDriver({ root }));
 *     return { store, raw: localRawInspector(root), cleanup: () => rm(root, { recursive: true }) };
 *   });
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import type { RawInspector } from './raw-inspector.js';
import { bytes, endlessStream, expectStorageError, readAll, sha256, streamOf, untouchedStream } from './contract-helpers.js';

export interface ContractFixture {
  store: Store;
  raw: RawInspector;
  cleanup(): Promise<void>;
}

const MiB = 1024 * 1024;
const INVALID_KEYS = ['../x', '/abs', 'a/../b', 'a\u0000b', '', 'a//b', 'a\\b', 'a\uD800b'];

export function describeObjectStoreContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let fx: ContractFixture;
    const root = `contract-${randomUUID()}/`;
    let n = 0;
    /** A fresh prefix per test, so tests never see each other's objects. */
    const prefix = () => `${root}${++n}/`;

    beforeAll(async () => {
      fx = await setup();
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

    describe('keys', () => {
      it.each(INVALID_KEYS)('refuses %j with InvalidKey for put, get, head and delete', async (key) => {
        await expectStorageError(fx.store.put(key, bytes(1), { contentType: 'x/y' }), 'InvalidKey');
        await expectStorageError(fx.store.get(key), 'InvalidKey');
        await expectStorageError(fx.store.head(key), 'InvalidKey');
        await expectStorageError(fx.store.delete(key), 'InvalidKey');
      });
    });
  });
}
