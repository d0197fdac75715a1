import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { Semaphore } from '../../src/media/semaphore.js';
import { ingestUpload, type IngestOptions } from '../../src/media/upload-pipeline.js';
import { chunksOf, contains, countingSource, makeImage, tempStore, type TempStore } from './media-fixtures.js';

const MAX = 2 * 1024 * 1024;

describe('ingestUpload', () => {
  let temp: TempStore;
  beforeEach(async () => { temp = await tempStore(); });
  afterEach(async () => { await temp.cleanup(); });

  const ingest = (source: AsyncIterable<Uint8Array>, extra: Partial<IngestOptions> = {}) =>
    ingestUpload(source, { store: temp.store, tenantId: 'acme', fileName: 'photo.jpg', maxBytes: MAX, variants: true, ...extra });

  it('stores a phone photo upright, without EXIF or GPS, with its variants', async () => {
    const upload = await makeImage('jpeg', 1400, 700, { orientation: 6, gps: true });
    const asset = await ingest(chunksOf(upload));
    expect([asset.width, asset.height]).toEqual([700, 1400]);
    expect(asset.variants.map((v) => [v.name, v.width])).toEqual([['w160', 160], ['w480', 480]]);

    const stored = Buffer.concat(await (await temp.store.get(asset.key)).body.toArray());
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height, meta.exif, meta.orientation]).toEqual([700, 1400, undefined, undefined]);
    expect(contains(stored, 'Secret Model')).toBe(false);
    // The GPS IFD pointer tag (0x8825, little endian as sharp writes it) is nowhere in the bytes.
    expect(contains(upload, Buffer.from([0x25, 0x88]))).toBe(true);
    expect(contains(stored, 'Exif\0\0')).toBe(false);
  });

  it('skips the variants when they are switched off (and decodes inside a shared slot)', async () => {
    const asset = await ingest(chunksOf(await makeImage('webp', 1300, 900)), { variants: false, decodeSlots: new Semaphore(1) });
    expect(asset.variants).toEqual([]);
    expect(await temp.keys()).toEqual([asset.key]);
  });

  it.each([
    ['a PDF', Buffer.from('%PDF-1.4\n1 0 obj\n'), 'UnsupportedMediaType', 'File type not allowed: application/pdf'],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'UnsupportedMediaType', 'File type not allowed: image/svg+xml'],
    ['HTML', Buffer.from('<html><script>alert(1)</script></html>'), 'UnsupportedMediaType', 'File type not allowed: text/html'],
    ['text', Buffer.from('name,sku\nchair,CH-1\n'), 'UnsupportedMediaType', 'File type not allowed: text/plain'],
    ['an empty file', Buffer.alloc(0), 'Unprocessable', 'The file is empty'],
  ])('refuses %s clearly and stores nothing', async (_label, bytes, code, message) => {
    const err = await ingest(chunksOf(bytes)).catch((e: unknown) => e);
    expect(isAppError(err) && [err.code, err.message]).toEqual([code, message]);
    expect(await temp.keys()).toEqual([]);
  });

  it('refuses a truncated JPEG and stores nothing', async () => {
    const jpeg = await makeImage('jpeg', 800, 600);
    await expect(ingest(chunksOf(jpeg.subarray(0, jpeg.length >> 1)))).rejects.toMatchObject({ code: 'Unprocessable' });
    expect(await temp.keys()).toEqual([]);
  });

  it('refuses an oversized stream at limit + 1, without reading the rest, and stores nothing', async () => {
    const source = countingSource(64 * 1024, 200); // 12.5 MiB on offer
    await expect(ingest(source)).rejects.toMatchObject({ code: 'TooLarge', status: 413, message: 'File too large. Maximum 2.0 MB' });
    expect(source.pulled).toBe(MAX + 64 * 1024);
    expect(await temp.keys()).toEqual([]);
  });

  it('reads a Node stream too', async () => {
    const asset = await ingest(Readable.from(chunksOf(await makeImage('gif', 200, 100))));
    expect([asset.contentType, asset.width, asset.height]).toEqual(['image/gif', 200, 100]);
  });

  it('stores a polyglot only as clean, re-encoded pixels', async () => {
    const upload = Buffer.concat([await makeImage('jpeg', 300, 200), Buffer.from('<script>alert(1)</script>')]);
    const asset = await ingest(chunksOf(upload));
    for (const key of [asset.key, ...asset.variants.map((v) => v.key)]) {
      const stored = Buffer.concat(await (await temp.store.get(key)).body.toArray());
      expect(contains(stored, '<script')).toBe(false);
    }
  });
});
