/**
 * The local driver's reads remember folders they proved to be real (LocalLayout.assertNoLinkedFolder)
 * and check the path the kernel resolved after opening (opened-path.ts): a folder or file
 * swapped for a symbolic link after it was read is still refused, and nothing outside is read.
 * Real folders under os.tmpdir(), removed after the suite.
 */
import { mkdir, mkdtemp, open, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../src/storage/local/local-object-store.js';
import { openedPathCheck } from '../../src/storage/local/opened-path.js';
import { bytes, expectStorageError, readAll } from './contract-helpers.js';

let sandbox: string;
let root: string;
let outside: string;
let store: LocalObjectStore;

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(tmpdir(), 'vitrina-links-'));
  root = path.join(sandbox, 'store');
  outside = path.join(sandbox, 'outside');
  await mkdir(path.join(outside, 'dir'), { recursive: true });
  await writeFile(path.join(outside, 'dir', 'x.jpg'), 'top secret');
  await writeFile(path.join(outside, 'secret.txt'), 'top secret');
  store = new LocalObjectStore({ root, baseUrl: 'http://localhost', secret: 'x'.repeat(32), signedUrlTtl: 60, readChunkSize: 1024 * 1024 });
});
afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

describe('reads after a folder or file was swapped for a link', () => {
  it('refuses a folder that was real at the last read and is a link now', async () => {
    await store.put('swap/dir/x.jpg', bytes(100), { contentType: 'image/jpeg' });
    expect((await readAll((await store.get('swap/dir/x.jpg')).body)).length).toBe(100);
    // Behind the store's back: the proven folder moves away and a link to outside takes its place.
    await rename(path.join(root, 'objects', 'swap', 'dir'), path.join(root, 'objects', 'swap', 'moved'));
    await symlink(path.join(outside, 'dir'), path.join(root, 'objects', 'swap', 'dir'));
    await expectStorageError(store.get('swap/dir/x.jpg'), 'AccessDenied');
    await expectStorageError(store.head('swap/dir/x.jpg'), 'AccessDenied');
  });

  it('refuses a file that is a link now', async () => {
    await store.put('swap/file.jpg', bytes(100), { contentType: 'image/jpeg' });
    await readAll((await store.get('swap/file.jpg')).body);
    await unlink(path.join(root, 'objects', 'swap', 'file.jpg'));
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'objects', 'swap', 'file.jpg'));
    await expectStorageError(store.get('swap/file.jpg'), 'AccessDenied');
  });

  it('still reads the version it opened when the key is deleted mid-read', async () => {
    const data = bytes(3 * 1024 * 1024);
    await store.put('swap/deleted.bin', data, { contentType: 'x/y' });
    const got = await store.get('swap/deleted.bin');
    await store.delete('swap/deleted.bin');
    expect((await readAll(got.body)).equals(data)).toBe(true);
  });

  it('reads big objects in chunks of at most readChunkSize', async () => {
    await store.put('swap/chunks.bin', bytes(2_500_000), { contentType: 'x/y' });
    const sizes: number[] = [];
    const got = await store.get('swap/chunks.bin');
    for await (const chunk of got.body as AsyncIterable<Buffer>) sizes.push(chunk.length);
    expect(sizes).toEqual([1024 * 1024, 1024 * 1024, 2_500_000 - 2 * 1024 * 1024]);
  });
});

describe('openedPathCheck', () => {
  it.runIf(process.platform === 'linux')('tells the path an open file was reached by', async () => {
    const check = (await openedPathCheck(root))!;
    expect(check).toBeDefined();
    await store.put('via/real.txt', bytes(3), { contentType: 'x/y' });
    const real = path.join(root, 'objects', 'via', 'real.txt');
    const direct = await open(real, 'r');
    const throughLink = path.join(sandbox, 'link-to-store');
    await symlink(root, throughLink);
    const linked = await open(path.join(throughLink, 'objects', 'via', 'real.txt'), 'r');
    try {
      expect(await check.reachedAt(direct.fd, real)).toBe(true);
      expect(await check.reachedAt(linked.fd, path.join(throughLink, 'objects', 'via', 'real.txt'))).toBe(false);
    } finally {
      await direct.close();
      await linked.close();
    }
  });
});
