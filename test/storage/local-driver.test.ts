/**
 * What only the local driver has: paths on disk, temp files and renames, the layout earlier
 * versions wrote, folders pruned while puts race them. Real folders under os.tmpdir(), removed
 * after the suite. The contract every driver keeps is local.contract.test.ts's.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDriver } from '../../src/storage/local/local-driver.js';
import { Store } from '../../src/storage/store.js';
import { bytes, endlessStream, expectStorageError, readAll, sha256, streamOf } from './contract-helpers.js';
import { localRawInspector } from './local-raw-inspector.js';

let sandbox: string;
let root: string;
let outside: string;
let driver: LocalDriver;
let store: Store;

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(tmpdir(), 'vitrina-local-driver-'));
  root = path.join(sandbox, 'store');
  outside = path.join(sandbox, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'top secret');
  driver = new LocalDriver({ root });
  store = new Store(driver);
  await store.put('warm-up', bytes(1), { contentType: 'x/y' }); // the first put makes the folders
});
afterAll(async () => {
  if (sandbox !== undefined) await rm(sandbox, { recursive: true, force: true });
});

const tmpFiles = async () => readdir(path.join(root, 'tmp')).catch(() => []);
const raw = () => localRawInspector(root);
/** What is in the sandbox and in `outside`: a put must never add anything beside `store/`. */
const sandboxState = async () => [(await readdir(sandbox)).sort(), await readdir(outside)];

describe('a new driver', () => {
  it('says what it can do, names its resolved root, and does no I/O until the first put', async () => {
    const fresh = path.join(sandbox, 'fresh');
    const local = new LocalDriver({ root: `${sandbox}/./fresh/` });
    expect(local.name).toBe('local');
    expect(local.location).toBe(fresh);
    expect(local.capabilities).toEqual({
      presignedGet: false,
      presignedPost: false,
      publicUrl: false,
      sha256OnWrite: true,
      deleteBatchSize: 0,
    });
    const freshStore = new Store(local);
    expect(await freshStore.exists('a/b')).toBe(false);
    expect((await freshStore.list('')).objects).toEqual([]);
    await expect(stat(fresh)).rejects.toMatchObject({ code: 'ENOENT' });
    await freshStore.put('a/b', bytes(3), { contentType: 'x/y' });
    expect((await readdir(fresh)).sort()).toEqual(['meta', 'objects', 'tmp']);
    expect(await freshStore.checksSha256OnWrite()).toBe(true);
    await rm(fresh, { recursive: true });
  });
});

describe('keys that would escape the root', () => {
  it.each(['../escape.txt', 'a/../../escape.txt', '/tmp/escape.txt', 'a\u0000b', '..', 'C:/x', 'a\\..\\b'])(
    'the facade refuses %j and nothing is written outside the root',
    async (key) => {
      await expectStorageError(store.put(key, bytes(10), { contentType: 'x/y' }), 'InvalidKey');
      await expectStorageError(store.get(key), 'InvalidKey');
      expect(await sandboxState()).toEqual([['outside', 'store'], ['secret.txt']]);
    },
  );

  // The driver's own backstop, for a key that reached it without the facade's check.
  it.each(['../escape.txt', 'a/../../escape.txt', '..', '../objectsX/escape.txt', '../meta/escape'])(
    'the driver itself refuses %j for every operation',
    async (key) => {
      await expectStorageError(driver.put(key, bytes(10), { contentType: 'x/y' }), 'InvalidKey');
      await expectStorageError(driver.get(key, {}), 'InvalidKey');
      await expectStorageError(driver.head(key, {}), 'InvalidKey');
      await expectStorageError(driver.delete(key, {}), 'InvalidKey');
      expect(await sandboxState()).toEqual([['outside', 'store'], ['secret.txt']]);
      expect((await readdir(root)).sort()).toEqual(['meta', 'objects', 'tmp']);
      expect(await tmpFiles()).toEqual([]);
    },
  );
});

describe('atomic puts', () => {
  it('leaves no file and no temp file when aborted mid-stream', async () => {
    const controller = new AbortController();
    const body = endlessStream((total) => total >= 512 * 1024 && controller.abort());
    await expectStorageError(store.put('atomic/aborted.bin', body, { contentType: 'x/y', signal: controller.signal }), 'Aborted');
    expect(await raw().listKeys('atomic/')).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
    expect(body.destroyed).toBe(true);
  });

  it('leaves nothing when the body runs past maxBytes', async () => {
    await expectStorageError(store.put('atomic/big.bin', streamOf(bytes(5000), 100), { contentType: 'x/y', maxBytes: 4999 }), 'TooLarge');
    expect(await raw().listKeys('atomic/')).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
  });

  it('leaves nothing when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk read failed'));
      },
    });
    await expectStorageError(store.put('atomic/broken.bin', failing, { contentType: 'x/y' }), 'StoreError');
    expect(await raw().listKeys('atomic/')).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
  });

  it('keeps nothing, data or metadata, when the bytes do not match the sha256 they came with', async () => {
    const data = bytes(70_000);
    const damaged = Buffer.from(data);
    damaged.writeUInt8(damaged.readUInt8(12_345) ^ 0xff, 12_345);
    const err = await expectStorageError(
      store.put('atomic/damaged.bin', streamOf(damaged), { contentType: 'x/y', sha256: sha256(data) }),
      'StoreError',
    );
    expect(err.message).toMatch(/do not match the sha256/);
    expect(await raw().listKeys('atomic/')).toEqual([]);
    await expect(stat(path.join(root, 'meta', 'atomic', 'damaged.bin.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await tmpFiles()).toEqual([]);
  });

  it('is invisible until complete, then visible with its metadata', async () => {
    let release!: () => void;
    let halfway!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const firstHalfTaken = new Promise<void>((resolve) => (halfway = resolve));
    const body = Readable.from(
      (async function* () {
        yield Buffer.from('first half ');
        halfway(); // the put has taken the first half and asks for more
        await gate;
        yield Buffer.from('second half');
      })(),
    );
    const put = store.put('atomic/slow.txt', body, { contentType: 'text/plain' });
    await firstHalfTaken;
    expect(await store.exists('atomic/slow.txt')).toBe(false);
    expect(await raw().listKeys('atomic/')).toEqual([]);
    expect((await store.list('atomic/')).objects).toEqual([]);
    release();
    const result = await put;
    expect(result.size).toBe(22);
    expect(await store.head('atomic/slow.txt')).toMatchObject({
      contentType: 'text/plain',
      etag: `"${result.sha256}"`,
      sha256: result.sha256,
    });
    expect(await tmpFiles()).toEqual([]);
  });

  it('shows nothing a crash left: temp files, or metadata whose data never followed', async () => {
    // A crash before the renames leaves temp files; one between them leaves metadata without data.
    await writeFile(path.join(root, 'tmp', 'crashed.part'), 'half an image');
    await writeFile(path.join(root, 'tmp', 'crashed.meta'), '{"contentType":"image/jpeg"');
    await mkdir(path.join(root, 'meta', 'crash'), { recursive: true });
    const orphan = {
      contentType: 'image/jpeg',
      metadata: {},
      size: 5,
      sha256: sha256(Buffer.from('hello')),
      etag: '"x"',
      lastModified: new Date().toISOString(),
    };
    await writeFile(path.join(root, 'meta', 'crash', 'a.jpg.json'), JSON.stringify(orphan));

    await expectStorageError(store.head('crash/a.jpg'), 'ObjectNotFound');
    await expectStorageError(store.get('crash/a.jpg'), 'ObjectNotFound');
    expect((await store.list('crash/')).objects).toEqual([]);
    expect((await store.list('')).objects.map((o) => o.key)).not.toContainEqual(expect.stringContaining('crashed'));
    // The same put again simply succeeds, replacing the orphaned metadata.
    const data = bytes(10);
    await store.put('crash/a.jpg', data, { contentType: 'image/png' });
    expect(await store.head('crash/a.jpg')).toMatchObject({ size: 10, contentType: 'image/png', sha256: sha256(data) });
    expect((await readAll((await store.get('crash/a.jpg')).body)).equals(data)).toBe(true);
    await rm(path.join(root, 'tmp', 'crashed.part'));
    await rm(path.join(root, 'tmp', 'crashed.meta'));
  });

  it('stores concurrent puts to different keys, and racing deletes in the same folder', async () => {
    const items = Array.from({ length: 24 }, (_, i) => ({ key: `race/${i % 3}/${i}.bin`, data: bytes(10_000 + i) }));
    await Promise.all(items.map(({ key, data }) => store.put(key, streamOf(data, 997), { contentType: 'x/y' })));
    // Delete the even ones while re-putting odd ones: pruning folders must not break the puts.
    await Promise.all(items.map(({ key, data }, i) => (i % 2 === 0 ? store.delete(key) : store.put(key, data, { contentType: 'x/y' }))));
    for (const [i, { key, data }] of items.entries()) {
      if (i % 2 === 0) expect(await store.exists(key)).toBe(false);
      else expect((await readAll((await store.get(key)).body)).equals(data)).toBe(true);
    }
    expect(await tmpFiles()).toEqual([]);
  });
});

describe('reads', () => {
  it('serves a range, and refuses one starting past the end as ObjectNotFound', async () => {
    const data = bytes(1000);
    await store.put('read/range.bin', data, { contentType: 'x/y' });
    const got = await store.get('read/range.bin', { range: { start: 100, end: 5000 } });
    expect(got).toMatchObject({ contentLength: 900, totalSize: 1000, range: { start: 100, end: 999 } });
    expect((await readAll(got.body)).equals(data.subarray(100))).toBe(true);
    const err = await expectStorageError(store.get('read/range.bin', { range: { start: 1000 } }), 'ObjectNotFound');
    expect(err.message).toMatch(/past its end/);
  });

  it('answers ObjectNotFound for a folder, and for a key below a file', async () => {
    await store.put('read/dir/x.bin', bytes(3), { contentType: 'x/y' });
    await expectStorageError(store.get('read/dir'), 'ObjectNotFound');
    await expectStorageError(store.head('read/dir'), 'ObjectNotFound');
    await expectStorageError(store.get('read/dir/x.bin/y'), 'ObjectNotFound');
    await expectStorageError(store.head('read/dir/x.bin/y'), 'ObjectNotFound');
    await store.delete('read/dir'); // a key prefix, not an object: nothing to delete
    expect(await store.exists('read/dir/x.bin')).toBe(true);
  });

  it('still streams the version it opened when the key is deleted mid-read', async () => {
    const data = bytes(3 * 1024 * 1024);
    await store.put('read/pinned.bin', data, { contentType: 'x/y' });
    const got = await store.get('read/pinned.bin');
    await store.delete('read/pinned.bin');
    expect(await store.exists('read/pinned.bin')).toBe(false);
    expect((await readAll(got.body)).equals(data)).toBe(true);
  });

  it('fails a get stream with Aborted when its signal fires mid-read', async () => {
    await store.put('read/abort.bin', bytes(4 * 1024 * 1024), { contentType: 'x/y' });
    const controller = new AbortController();
    const got = await store.get('read/abort.bin', { signal: controller.signal });
    got.body.once('data', () => controller.abort());
    await expectStorageError(readAll(got.body), 'Aborted');
  });
});

describe('layout on disk', () => {
  it('reads objects as earlier versions wrote them, with all their metadata', async () => {
    // Exactly what LocalObjectStore wrote: objects/<key>, meta/<key>.json, one JSON line.
    const data = Buffer.from('an image written by an earlier version');
    const hash = createHash('sha256').update(data).digest('hex');
    const lastModified = '2024-05-01T10:00:00.000Z';
    const meta = {
      contentType: 'image/jpeg',
      cacheControl: 'public, max-age=31536000, immutable',
      contentDisposition: 'inline; filename="old.jpg"',
      metadata: { tenant: '1' },
      size: data.length,
      sha256: hash,
      etag: `"${hash}"`,
      lastModified,
    };
    await mkdir(path.join(root, 'objects', 'old', 't'), { recursive: true });
    await mkdir(path.join(root, 'meta', 'old', 't'), { recursive: true });
    await writeFile(path.join(root, 'objects', 'old', 't', 'a.jpg'), data);
    await writeFile(path.join(root, 'meta', 'old', 't', 'a.jpg.json'), `${JSON.stringify(meta)}\n`);

    const expected = { ...meta, key: 'old/t/a.jpg', lastModified: new Date(lastModified) };
    expect(await store.head('old/t/a.jpg')).toEqual(expected);
    const got = await store.get('old/t/a.jpg', { range: { start: 3, end: 7 } });
    expect((await readAll(got.body)).toString()).toBe('image');
    expect((await store.list('old/')).objects).toEqual([
      { key: 'old/t/a.jpg', size: data.length, lastModified: new Date(lastModified), etag: `"${hash}"` },
    ]);
  });

  it('does not let stale or torn metadata vouch for the bytes', async () => {
    await mkdir(path.join(root, 'objects', 'stale'), { recursive: true });
    await mkdir(path.join(root, 'meta', 'stale'), { recursive: true });
    await writeFile(path.join(root, 'objects', 'stale', 'a'), 'five!');
    await writeFile(
      path.join(root, 'meta', 'stale', 'a.json'),
      JSON.stringify({ contentType: 'x/y', size: 4, sha256: 'a'.repeat(64), etag: '"e"' }),
    );
    await writeFile(path.join(root, 'objects', 'stale', 'b'), 'torn');
    await writeFile(path.join(root, 'meta', 'stale', 'b.json'), '{"contentType":"x/');
    expect(await store.head('stale/a')).toMatchObject({ size: 5, contentType: 'x/y', etag: undefined, sha256: undefined });
    expect(await store.head('stale/b')).toMatchObject({
      size: 4,
      contentType: undefined,
      etag: undefined,
      sha256: undefined,
      metadata: {},
    });
    expect((await readAll((await store.get('stale/b')).body)).toString()).toBe('torn');
  });

  it('reads an object written without metadata, and an empty object', async () => {
    await mkdir(path.join(root, 'objects', 'bare'), { recursive: true });
    await writeFile(path.join(root, 'objects', 'bare', 'file.bin'), 'hello');
    expect(await store.head('bare/file.bin')).toMatchObject({ size: 5, etag: undefined, metadata: {} });
    await store.put('bare/empty.bin', new Uint8Array(0), { contentType: 'x/y' });
    const got = await store.get('bare/empty.bin');
    expect((await readAll(got.body)).length).toBe(0);
    expect(got.contentLength).toBe(0);
  });

  it('keeps metadata in its own tree and prunes empty folders on delete', async () => {
    await store.put('layout/deep/er/x.jpg', bytes(10), { contentType: 'image/jpeg', metadata: { a: 'b' } });
    const meta = JSON.parse(await readFile(path.join(root, 'meta', 'layout', 'deep', 'er', 'x.jpg.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(meta).toMatchObject({ contentType: 'image/jpeg', size: 10, metadata: { a: 'b' } });
    await store.delete('layout/deep/er/x.jpg');
    await expect(stat(path.join(root, 'objects', 'layout'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(path.join(root, 'meta', 'layout'))).rejects.toMatchObject({ code: 'ENOENT' });
    await stat(path.join(root, 'objects')); // the tree roots stay
  });

  it('lists across folders in byte order of the keys, page by page', async () => {
    const keys = ['ord/a-b', 'ord/a.c', 'ord/a/x', 'ord/a/y/z', 'ord/a0', 'ord/b', 'ord/é'];
    for (const key of [...keys].reverse()) await store.put(key, bytes(3), { contentType: 'x/y' });
    // Not keys: a file a person dropped in with an invalid name, and a put's temp file.
    await writeFile(path.join(root, 'objects', 'ord', 'a', 'bad\u0001name'), 'x');
    await writeFile(path.join(root, 'tmp', 'leftover.part'), 'x');
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await store.list('ord/', { limit: 3, token });
      seen.push(...page.objects.map((o) => o.key));
      token = page.nextToken;
    } while (token !== undefined);
    expect(seen).toEqual(keys);
    expect((await store.list('ord/a/')).objects.map((o) => o.key)).toEqual(['ord/a/x', 'ord/a/y/z']);
    expect((await store.list('ord/a')).objects).toHaveLength(5);
    await rm(path.join(root, 'tmp', 'leftover.part'));
  });

  it('refuses a forged list token', async () => {
    await expectStorageError(store.list('', { token: '!!not-base64url!!' }), 'InvalidKey');
  });

  it('refuses, clearly and leaving nothing, a key that is also a folder on disk', async () => {
    // S3 could hold both "clash" and "clash/x"; one folder on disk cannot. Generated keys never do.
    await store.put('clash/x', bytes(3), { contentType: 'x/y' });
    const err = await expectStorageError(store.put('clash', bytes(3), { contentType: 'x/y' }), 'StoreError');
    expect(err.message).toMatch(/clashes with an existing object or key prefix/);
    await expectStorageError(store.put('clash/x/y', bytes(3), { contentType: 'x/y' }), 'StoreError');
    expect(await raw().listKeys('clash')).toEqual(['clash/x']);
    expect(await store.exists('clash')).toBe(false);
    await expect(stat(path.join(root, 'meta', 'clash.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(path.join(root, 'meta', 'clash', 'x', 'y.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await tmpFiles()).toEqual([]);
  });

  it('reports an invalid key in deleteMany instead of throwing', async () => {
    await store.put('many/a', bytes(3), { contentType: 'x/y' });
    const result = await store.deleteMany(['many/a', '../x', 'many/missing']);
    expect(result.deleted).toEqual(['many/a', 'many/missing']);
    expect(result.failed.map((f) => [f.key, f.error.code])).toEqual([['../x', 'InvalidKey']]);
  });
});
