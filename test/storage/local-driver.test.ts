/**
 * Failure paths only the local driver has: paths on disk, symbolic links, temp files,
 * renames racing with deletes. Real folders under os.tmpdir(), removed after each suite.
 */
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, endlessStream, expectStorageError, readAll, streamOf } from './contract-helpers.js';
import { startLocalHarness, type LocalHarness } from './local-harness.js';
import { localRawInspector } from './local-raw-inspector.js';

let h: LocalHarness;
let outside: string;
beforeAll(async () => {
  h = await startLocalHarness();
  await h.store.exists('warm-up'); // the store creates its folders on first use
  outside = path.join(h.sandbox, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'top secret');
});
afterAll(async () => h?.cleanup());

const tmpFiles = async () => readdir(path.join(h.root, 'tmp'));

describe('keys that would escape the root', () => {
  it.each(['../escape.txt', 'a/../../escape.txt', '/tmp/escape.txt', 'a\u0000b', '..', 'C:/x', 'a\\..\\b'])(
    'refuses %j and writes nothing outside the root',
    async (key) => {
      await expectStorageError(h.store.put(key, bytes(10), { contentType: 'x/y' }), 'InvalidKey');
      await expectStorageError(h.store.copy('whatever', key), 'InvalidKey');
      expect((await readdir(h.sandbox)).sort()).toEqual(['outside', 'store']);
      expect(await readdir(outside)).toEqual(['secret.txt']);
    },
  );
});

describe('symbolic links inside the root', () => {
  beforeAll(async () => {
    await mkdir(path.join(h.root, 'objects', 'evil'), { recursive: true });
    await symlink(outside, path.join(h.root, 'objects', 'evil', 'dir'));
    await symlink(path.join(outside, 'secret.txt'), path.join(h.root, 'objects', 'evil', 'file.txt'));
  });

  it('does not read through a linked folder or a linked file', async () => {
    await expectStorageError(h.store.get('evil/dir/secret.txt'), 'AccessDenied');
    await expectStorageError(h.store.head('evil/dir/secret.txt'), 'AccessDenied');
    await expectStorageError(h.store.get('evil/file.txt'), 'AccessDenied');
    await expectStorageError(h.store.copy('evil/file.txt', 'copied.txt'), 'AccessDenied');
  });

  it('does not write or delete through a linked folder', async () => {
    await expectStorageError(h.store.put('evil/dir/planted.txt', bytes(10), { contentType: 'x/y' }), 'AccessDenied');
    await expectStorageError(h.store.delete('evil/dir/secret.txt'), 'AccessDenied');
    expect(await readdir(outside)).toEqual(['secret.txt']);
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await tmpFiles()).toEqual([]);
  });

  it('does not list links', async () => {
    const page = await h.store.list('evil/');
    expect(page.objects).toEqual([]);
  });
});

describe('atomic puts', () => {
  it('leaves no file and no temp file when aborted mid-stream', async () => {
    const controller = new AbortController();
    const body = endlessStream((total) => total >= 512 * 1024 && controller.abort());
    await expectStorageError(h.store.put('atomic/aborted.bin', body, { contentType: 'x/y', signal: controller.signal }), 'Aborted');
    expect(await localRawInspector(h.root).listKeys('atomic/')).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
    expect(body.destroyed).toBe(true);
  });

  it('leaves nothing when the body runs past maxBytes', async () => {
    await expectStorageError(h.store.put('atomic/big.bin', streamOf(bytes(5000), 100), { contentType: 'x/y', maxBytes: 4999 }), 'TooLarge');
    expect(await localRawInspector(h.root).listKeys('atomic/')).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
  });

  it('leaves nothing when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk read failed'));
      },
    });
    await expectStorageError(h.store.put('atomic/broken.bin', failing, { contentType: 'x/y' }), 'StoreError');
    expect(await localRawInspector(h.root).listKeys('atomic/')).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
  });

  it('is invisible until complete, then visible with its metadata', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const body = Readable.from(
      (async function* () {
        yield Buffer.from('first half ');
        await gate;
        yield Buffer.from('second half');
      })(),
    );
    const put = h.store.put('atomic/slow.txt', body, { contentType: 'text/plain' });
    await new Promise((r) => setTimeout(r, 50));
    expect(await h.store.exists('atomic/slow.txt')).toBe(false);
    release();
    const result = await put;
    expect(result.size).toBe(22);
    expect(await h.store.head('atomic/slow.txt')).toMatchObject({ contentType: 'text/plain', etag: `"${result.sha256}"` });
  });

  it('stores concurrent puts to different keys, and racing deletes in the same folder', async () => {
    const items = Array.from({ length: 24 }, (_, i) => ({ key: `race/${i % 3}/${i}.bin`, data: bytes(10_000 + i) }));
    await Promise.all(items.map(({ key, data }) => h.store.put(key, streamOf(data, 997), { contentType: 'x/y' })));
    // Delete the even ones while re-putting odd ones: pruning folders must not break the puts.
    await Promise.all(
      items.map(({ key, data }, i) => (i % 2 === 0 ? h.store.delete(key) : h.store.put(key, data, { contentType: 'x/y' }))),
    );
    for (const [i, { key, data }] of items.entries()) {
      if (i % 2 === 0) expect(await h.store.exists(key)).toBe(false);
      else expect((await readAll((await h.store.get(key)).body)).equals(data)).toBe(true);
    }
    expect(await tmpFiles()).toEqual([]);
  });
});

describe('layout on disk', () => {
  it('keeps metadata in its own tree and prunes empty folders on delete', async () => {
    await h.store.put('layout/deep/er/x.jpg', bytes(10), { contentType: 'image/jpeg', metadata: { a: 'b' } });
    const meta = JSON.parse(await readFile(path.join(h.root, 'meta', 'layout', 'deep', 'er', 'x.jpg.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(meta).toMatchObject({ contentType: 'image/jpeg', size: 10, metadata: { a: 'b' } });
    await h.store.delete('layout/deep/er/x.jpg');
    await expect(stat(path.join(h.root, 'objects', 'layout'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(path.join(h.root, 'meta', 'layout'))).rejects.toMatchObject({ code: 'ENOENT' });
    await stat(path.join(h.root, 'objects')); // the tree roots stay
  });

  it('lists across folders in byte order of the keys, page by page', async () => {
    const keys = ['ord/a-b', 'ord/a.c', 'ord/a/x', 'ord/a/y/z', 'ord/a0', 'ord/b', 'ord/é'];
    for (const key of [...keys].reverse()) await h.store.put(key, bytes(3), { contentType: 'x/y' });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await h.store.list('ord/', { limit: 3, token });
      seen.push(...page.objects.map((o) => o.key));
      token = page.nextToken;
    } while (token !== undefined);
    expect(seen).toEqual(keys);
    expect((await h.store.list('ord/a/')).objects.map((o) => o.key)).toEqual(['ord/a/x', 'ord/a/y/z']);
    expect((await h.store.list('ord/a')).objects).toHaveLength(5);
  });

  it('refuses, clearly and leaving nothing, a key that is also a folder on disk', async () => {
    // S3 could hold both "clash" and "clash/x"; one folder on disk cannot. Generated keys never do.
    await h.store.put('clash/x', bytes(3), { contentType: 'x/y' });
    const err = await expectStorageError(h.store.put('clash', bytes(3), { contentType: 'x/y' }), 'StoreError');
    expect(err.message).toMatch(/clashes with an existing object or key prefix/);
    await expectStorageError(h.store.put('clash/x/y', bytes(3), { contentType: 'x/y' }), 'StoreError');
    expect(await localRawInspector(h.root).listKeys('clash')).toEqual(['clash/x']);
    expect(await h.store.exists('clash')).toBe(false);
    await expect(stat(path.join(h.root, 'meta', 'clash.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await tmpFiles()).toEqual([]);
  });

  it('reports an invalid key in deleteMany instead of throwing', async () => {
    await h.store.put('many/a', bytes(3), { contentType: 'x/y' });
    const result = await h.store.deleteMany(['many/a', '../x', 'many/missing']);
    expect(result.deleted).toEqual(['many/a', 'many/missing']);
    expect(result.failed.map((f) => [f.key, f.error.code])).toEqual([['../x', 'InvalidKey']]);
  });

  it('fails a get stream with Aborted when its signal fires mid-read', async () => {
    await h.store.put('abort/read.bin', bytes(4 * 1024 * 1024), { contentType: 'x/y' });
    const controller = new AbortController();
    const got = await h.store.get('abort/read.bin', { signal: controller.signal });
    got.body.once('data', () => controller.abort());
    await expectStorageError(readAll(got.body), 'Aborted');
  });

  it('refuses a forged list token', async () => {
    await expectStorageError(h.store.list('', { token: '!!not-base64url!!' }), 'InvalidKey');
  });

  it('reads an object written without metadata, and an empty object', async () => {
    await mkdir(path.join(h.root, 'objects', 'bare'), { recursive: true });
    await writeFile(path.join(h.root, 'objects', 'bare', 'file.bin'), 'hello');
    expect(await h.store.head('bare/file.bin')).toMatchObject({ size: 5, etag: undefined, metadata: {} });
    await h.store.put('bare/empty.bin', new Uint8Array(0), { contentType: 'x/y' });
    const got = await h.store.get('bare/empty.bin');
    expect((await readAll(got.body)).length).toBe(0);
    expect(got.contentLength).toBe(0);
  });
});
