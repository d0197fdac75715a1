import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processImage } from '../../src/media/process-image.js';
import { IMMUTABLE_CACHE_CONTROL, storeProcessedImage } from '../../src/media/store-image.js';
import { failingOnPut, makeImage, tempStore, type TempStore } from './media-fixtures.js';

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('storeProcessedImage', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await tempStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('puts the original and every variant under one immutable asset prefix', async () => {
    const processed = await processImage(await makeImage('jpeg', 1600, 1000));
    const asset = await storeProcessedImage(temp.store, 42, processed, '../../etc/IMG\u0000 0042.JPG');

    expect(asset.keyPrefix).toBe(`t/42/img/${asset.id}/`);
    expect(asset.key).toBe(`${asset.keyPrefix}original.jpg`);
    expect(asset.originalName).toBe('IMG 0042.JPG');
    expect([asset.contentType, asset.width, asset.height, asset.bytes]).toEqual(['image/jpeg', 1600, 1000, processed.original.data.length]);
    expect(asset.variants.map((v) => [v.name, v.key, v.width, v.contentType])).toEqual([
      ['w160', `${asset.keyPrefix}w160.webp`, 160, 'image/webp'],
      ['w480', `${asset.keyPrefix}w480.webp`, 480, 'image/webp'],
      ['w1200', `${asset.keyPrefix}w1200.webp`, 1200, 'image/webp'],
    ]);
    expect((await temp.keys()).sort()).toEqual([asset.key, ...asset.variants.map((v) => v.key)].sort());

    const stored = await temp.store.get(asset.key);
    const bytes = await readAll(stored.body);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(asset.sha256);
    expect(stored.contentType).toBe('image/jpeg');
    expect(stored.cacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(decodeURIComponent(stored.metadata['original-name'] ?? '')).toBe('IMG 0042.JPG');
    for (const variant of asset.variants) {
      const head = await temp.store.head(variant.key);
      expect([head.size, head.contentType, head.cacheControl]).toEqual([variant.bytes, 'image/webp', IMMUTABLE_CACHE_CONTROL]);
    }
  });

  it('never reuses a prefix', async () => {
    const processed = await processImage(await makeImage('png', 100, 100), { variants: false });
    const a = await storeProcessedImage(temp.store, 1, processed, 'a.png');
    const b = await storeProcessedImage(temp.store, 1, processed, 'a.png');
    expect(a.keyPrefix).not.toBe(b.keyPrefix);
  });

  it('deletes what it stored when a later put fails, then rethrows', async () => {
    const processed = await processImage(await makeImage('jpeg', 1600, 1000));
    const failing = failingOnPut(temp.store, 3);
    await expect(storeProcessedImage(failing, 7, processed, 'x.jpg')).rejects.toThrow('simulated failure of put #3');
    expect(failing.putKeys.length).toBeGreaterThanOrEqual(3);
    expect(await temp.keys()).toEqual([]);
  });

  it('leaves nothing behind when aborted', async () => {
    const processed = await processImage(await makeImage('jpeg', 800, 600));
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(storeProcessedImage(temp.store, 7, processed, 'x.jpg', controller.signal)).rejects.toMatchObject({ code: 'Aborted' });
    expect(await temp.keys()).toEqual([]);
  });
});
