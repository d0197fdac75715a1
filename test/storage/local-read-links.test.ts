/**
 * A local-folder read holds on to the file it opened: what happens to the key's path
 * afterwards (a delete) does not change the bytes a running read returns. Real folders under
 * os.tmpdir(), removed after the suite.
 *
 * The driver's path safety is tested in local-driver.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDriver } from '../../src/storage/local/local-driver.js';
import { Store } from '../../src/storage/store.js';
import { bytes, readAll } from './contract-helpers.js';

let sandbox: string;
let store: Store;

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(tmpdir(), 'vitrina-links-'));
  store = new Store(new LocalDriver({ root: path.join(sandbox, 'store') }));
});
afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

describe('a read in progress', () => {
  it('still reads the version it opened when the key is deleted mid-read', async () => {
    const data = bytes(3 * 1024 * 1024);
    await store.put('swap/deleted.bin', data, { contentType: 'x/y' });
    const got = await store.get('swap/deleted.bin');
    await store.delete('swap/deleted.bin');
    expect(await store.exists('swap/deleted.bin')).toBe(false);
    expect((await readAll(got.body)).equals(data)).toBe(true);
  });

  it('still reads the version it opened when the key is written again mid-read', async () => {
    const first = bytes(3 * 1024 * 1024);
    const second = bytes(1000);
    await store.put('swap/replaced.bin', first, { contentType: 'x/y' });
    const got = await store.get('swap/replaced.bin');
    await store.put('swap/replaced.bin', second, { contentType: 'x/y' });
    expect((await readAll(got.body)).equals(first)).toBe(true);
    expect((await readAll((await store.get('swap/replaced.bin')).body)).equals(second)).toBe(true);
  });
});
