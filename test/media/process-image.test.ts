import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { processImage } from '../../src/media/process-image.js';
import { plannedWidths } from '../../src/media/variants.js';
import { contains, makeImage, pngBomb, withJpegComment } from './media-fixtures.js';

async function refusal(bytes: Uint8Array, options = {}): Promise<{ code: string; message: string }> {
  const err = await processImage(bytes, options).then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw err;
  return { code: err.code, message: err.message };
}

describe('processImage: accepted images', () => {
  it.each(['jpeg', 'png', 'gif', 'webp'] as const)('re-encodes a %s in its own format, with dimensions and sha256', async (format) => {
    const { original } = await processImage(await makeImage(format, 320, 200), { variants: false });
    expect(original.sourceType).toBe(`image/${format}`);
    expect(original.contentType).toBe(`image/${format}`);
    expect([original.width, original.height]).toEqual([320, 200]);
    expect(original.sha256).toBe(createHash('sha256').update(original.data).digest('hex'));
    const meta = await sharp(original.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([format, 320, 200]);
  });

  it('turns an EXIF orientation 6 photo upright and strips EXIF, GPS and the camera', async () => {
    const upload = await makeImage('jpeg', 64, 32, { orientation: 6, gps: true });
    const before = await sharp(upload).metadata();
    expect([before.orientation, before.exif !== undefined]).toEqual([6, true]);
    expect(contains(upload, 'Secret Model')).toBe(true);

    const { original, variants } = await processImage(upload);
    for (const image of [original, ...variants]) {
      const meta = await sharp(image.data).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(contains(image.data, 'Exif\0\0')).toBe(false);
      expect(contains(image.data, 'Secret Model')).toBe(false);
      expect(contains(image.data, 'TestCam')).toBe(false);
    }
    expect([original.width, original.height]).toEqual([32, 64]); // rotated: width and height swapped
  });

  it('makes WebP variants of the right widths, smallest first', async () => {
    const { variants } = await processImage(await makeImage('jpeg', 2000, 1000));
    expect(variants.map((v) => [v.name, v.width, v.height, v.contentType])).toEqual([
      ['w160', 160, 80, 'image/webp'],
      ['w480', 480, 240, 'image/webp'],
      ['w1200', 1200, 600, 'image/webp'],
    ]);
    for (const v of variants) expect((await sharp(v.data).metadata()).format).toBe('webp');
  });

  it('never upscales: a small image gets only the variants narrower than itself', async () => {
    expect((await processImage(await makeImage('png', 600, 400))).variants.map((v) => [v.name, v.width])).toEqual([
      ['w160', 160],
      ['w480', 480],
    ]);
    // The thumbnail always exists, capped at the image's own width.
    expect((await processImage(await makeImage('png', 100, 50))).variants.map((v) => [v.name, v.width, v.height])).toEqual([
      ['w160', 100, 50],
    ]);
    expect(plannedWidths(160)).toEqual([160]);
    expect(plannedWidths(161)).toEqual([160]);
    expect(plannedWidths(1201)).toEqual([1200, 480, 160]);
  });

  it('can make JPEG variants instead, for speed', async () => {
    const { variants } = await processImage(await makeImage('png', 800, 600), { variantFormat: 'jpeg' });
    expect(variants.map((v) => [v.name, v.contentType])).toEqual([
      ['w160', 'image/jpeg'],
      ['w480', 'image/jpeg'],
    ]);
  });

  it('keeps only the first frame of an animated GIF', async () => {
    const frame = (r: number): Promise<Buffer> =>
      sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g: 0, b: 0 } } })
        .png()
        .toBuffer();
    const animated = await sharp([await frame(255), await frame(0)], { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    const { original } = await processImage(animated);
    const meta = await sharp(original.data).metadata();
    expect([original.sourcePages, meta.pages ?? 1, meta.width, meta.height]).toEqual([2, 1, 40, 30]);
  });

  it('neutralises a polyglot: markup after the end of the JPEG and in a comment is gone', async () => {
    const jpeg = await makeImage('jpeg', 120, 80);
    const payload = '<script>alert(document.cookie)</script><html><svg onload=alert(1)>';
    for (const upload of [Buffer.concat([jpeg, Buffer.from(payload)]), withJpegComment(jpeg, payload)]) {
      expect(contains(upload, '<script>')).toBe(true);
      const { original, variants } = await processImage(upload);
      expect(original.contentType).toBe('image/jpeg');
      for (const image of [original, ...variants]) {
        for (const marker of ['<script', '<html', '<svg', 'alert(']) expect(contains(image.data, marker)).toBe(false);
      }
    }
  });

  it('refuses a polyglot outright when asked to', async () => {
    const upload = Buffer.concat([await makeImage('jpeg', 50, 50), Buffer.from('<script>alert(1)</script>')]);
    expect(await refusal(upload, { refusePolyglots: true })).toEqual({
      code: 'UnsupportedMediaType',
      message: 'File type not allowed: image/jpeg with embedded markup (<script)',
    });
  });
});

describe('processImage: refused input', () => {
  it('refuses a truncated JPEG', async () => {
    const jpeg = await makeImage('jpeg', 640, 480);
    for (const variants of [true, false]) {
      expect(await refusal(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), { variants })).toEqual({
        code: 'Unprocessable',
        message: 'The image is damaged or incomplete and could not be read',
      });
    }
  });

  it('refuses bytes that only start like a JPEG', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 0x20)]);
    expect((await refusal(fake)).code).toBe('Unprocessable');
  });

  it('refuses a decompression bomb from its header, before decoding pixels', async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(200_000);
    const started = performance.now();
    expect(await refusal(bomb)).toEqual({
      code: 'Unprocessable',
      message: 'The image is too large: 20000×20000 pixels (the limit is 40 megapixels)',
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('applies a configured pixel limit', async () => {
    expect((await refusal(await makeImage('png', 200, 200), { maxPixels: 10_000 })).message).toBe(
      'The image is too large: 200×200 pixels (the limit is 0.01 megapixels)',
    );
  });

  it('refuses PDF, SVG, HTML, text and empty files', async () => {
    expect(await refusal(Buffer.from('%PDF-1.4\n%âãÏÓ\n'))).toEqual({
      code: 'UnsupportedMediaType',
      message: 'File type not allowed: application/pdf',
    });
    expect((await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).message).toBe('File type not allowed: image/svg+xml');
    expect((await refusal(Buffer.from('<!doctype html><p>hi'))).message).toBe('File type not allowed: text/html');
    expect((await refusal(Buffer.from('hello'))).message).toBe('File type not allowed: text/plain');
    expect(await refusal(Buffer.alloc(0))).toEqual({ code: 'Unprocessable', message: 'The file is empty' });
  });
});
