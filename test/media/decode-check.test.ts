/**
 * The request-time decode (media/decode-check.ts), through inspectUpload as the upload routes
 * run it: damaged data refused with the damaged-file message, every kind of good image passed.
 */
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { containerProblem } from '../../src/media/container-check.js';
import { checkError, TOO_SLOW_MESSAGE } from '../../src/media/decode-check.js';
import { DAMAGED_MESSAGE, readHeader } from '../../src/media/decode.js';
import { inspectUpload, startInspection, type InspectOptions } from '../../src/media/inspect-upload.js';
import { IMAGE_TYPES } from '../../src/media/media-types.js';
import { Semaphore } from '../../src/media/semaphore.js';
import { sniffImageType } from '../../src/media/sniff.js';
import { jpegBadScan, makeImage, pngBadIdat, webpCutData } from './media-fixtures.js';

const ALL_TYPES = Object.keys(IMAGE_TYPES);

async function refusal(bytes: Uint8Array, options: InspectOptions = {}): Promise<{ code: string; status: number; message: string }> {
  const err = await inspectUpload(bytes, { allowedTypes: ALL_TYPES, ...options }).then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw err;
  return { code: err.code, status: err.status, message: err.message };
}

const DAMAGED = [
  { name: 'a PNG whose IDAT is not zlib data (png_bad_idat)', bytes: async () => pngBadIdat() },
  { name: 'a JPEG whose scan is garbage', bytes: jpegBadScan },
  { name: 'a WebP whose VP8 data is cut short inside a consistent container', bytes: webpCutData },
];

describe('the request-time decode', () => {
  it.each(DAMAGED)('refuses $name with the damaged-file message', async ({ bytes }) => {
    expect(await refusal(await bytes())).toEqual({ code: 'Unprocessable', status: 422, message: DAMAGED_MESSAGE });
  });

  it.each(DAMAGED)('is what refuses $name: the sniff, the header and the container pass it', async ({ bytes }) => {
    const file = await bytes();
    const type = await sniffImageType(file);
    await expect(readHeader(file, type)).resolves.toMatchObject({ width: expect.any(Number) });
    expect(containerProblem(file, type.format)).toBeUndefined();
  });

  it('reads a JPEG strictly: libjpeg calls a scan that runs out a warning, not an error', async () => {
    // What processing's failOn 'error' makes of the garbage scan: a picture, grey below the garbage.
    await expect(
      sharp(await jpegBadScan(), { failOn: 'error' })
        .raw()
        .toBuffer(),
    ).resolves.toBeInstanceOf(Buffer);
  });

  it("reads a JPEG's whole scan even at 1/8 scale: one cut at 60 % is refused", async () => {
    const jpeg = await makeImage('jpeg', 800, 600);
    const cut = Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), Buffer.from([0xff, 0xd9])]);
    expect((await refusal(cut)).message).toBe(DAMAGED_MESSAGE);
  });

  it('refuses through startInspection too, after the sniff has answered', async () => {
    const inspection = await startInspection(pngBadIdat());
    expect(inspection.type.mime).toBe('image/png');
    await expect(inspection.result).rejects.toMatchObject({ code: 'Unprocessable', message: DAMAGED_MESSAGE });
  });

  it("still says the container's problem first for a file cut short", async () => {
    const jpeg = await makeImage('jpeg', 400, 300);
    expect((await refusal(jpeg.subarray(0, jpeg.length >> 1))).message).toMatch(new RegExp(`^${DAMAGED_MESSAGE}: the file ends`));
  });

  const frame = (r: number) =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g: 0, b: 0 } } })
      .png()
      .toBuffer();
  const GOOD: { name: string; bytes: () => Promise<Buffer>; size: [number, number] }[] = [
    {
      name: 'a 1200×800 JPEG with EXIF orientation 6 and GPS',
      bytes: () => makeImage('jpeg', 1200, 800, { orientation: 6, gps: true }),
      size: [800, 1200],
    },
    { name: 'a progressive JPEG', bytes: () => noisy(801, 603).jpeg({ progressive: true }).toBuffer(), size: [801, 603] },
    {
      name: 'a 4:4:4 JPEG at quality 100',
      bytes: () => noisy(640, 480).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer(),
      size: [640, 480],
    },
    { name: 'a greyscale JPEG', bytes: () => noisy(320, 200).greyscale().jpeg().toBuffer(), size: [320, 200] },
    { name: 'a CMYK JPEG', bytes: () => noisy(320, 200).toColourspace('cmyk').jpeg().toBuffer(), size: [320, 200] },
    { name: 'a JPEG with a P3 ICC profile', bytes: () => noisy(320, 200).withIccProfile('p3').jpeg().toBuffer(), size: [320, 200] },
    { name: 'a 7×3 JPEG (smaller than one block)', bytes: () => makeImage('jpeg', 7, 3), size: [7, 3] },
    { name: 'a PNG', bytes: () => makeImage('png', 640, 480), size: [640, 480] },
    {
      name: 'an interlaced PNG with alpha',
      bytes: () => noisy(300, 200).ensureAlpha(0.5).png({ progressive: true }).toBuffer(),
      size: [300, 200],
    },
    { name: 'a 1×1 PNG', bytes: () => makeImage('png', 1, 1), size: [1, 1] },
    { name: 'a GIF', bytes: () => makeImage('gif', 120, 80), size: [120, 80] },
    {
      name: 'an animated GIF',
      bytes: async () =>
        sharp([await frame(255), await frame(0)], { join: { animated: true } })
          .gif()
          .toBuffer(),
      size: [40, 30],
    },
    { name: 'a lossy WebP', bytes: () => makeImage('webp', 640, 480), size: [640, 480] },
    {
      name: 'a lossless WebP with alpha',
      bytes: () => noisy(300, 200).ensureAlpha(0.5).webp({ lossless: true }).toBuffer(),
      size: [300, 200],
    },
    { name: 'an AVIF', bytes: () => noisy(320, 200).avif({ effort: 0 }).toBuffer(), size: [320, 200] },
  ];

  it.each(GOOD)('passes $name', async ({ bytes, size }) => {
    const upload = await inspectUpload(await bytes(), { allowedTypes: ALL_TYPES });
    expect([upload.width, upload.height]).toEqual(size);
  });

  it('decodes no more uploads at once than its slots allow', async () => {
    const slots = new CountingSemaphore(1);
    const files = await Promise.all([
      makeImage('jpeg', 400, 300),
      makeImage('png', 200, 150),
      makeImage('webp', 200, 150),
      makeImage('gif', 60, 40),
    ]);
    const results = await Promise.allSettled([
      ...files.map((f) => inspectUpload(f, { decodeSlots: slots })),
      inspectUpload(pngBadIdat(), { decodeSlots: slots }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect([slots.runs, slots.mostAtOnce]).toEqual([5, 1]);
  });

  it('says that a decode was stopped for taking too long, with what to do', () => {
    const err = checkError(new Error('timeout: 43% complete\nVipsImage: killed for image "temp-1"'), 10);
    expect([err.code, err.status]).toEqual(['Unprocessable', 422]);
    expect(err.message).toBe(`${TOO_SLOW_MESSAGE} (more than 10 seconds): save it again as an ordinary JPEG or PNG`);
    expect(checkError(new Error('VipsJpeg: Corrupt JPEG data: premature end of data segment')).message).toBe(DAMAGED_MESSAGE);
  });
});

/** A noisy picture to encode, for the encodings makeImage has no option for. */
function noisy(width: number, height: number): Sharp {
  return sharp({
    create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  });
}

/** Counts how many tasks ran and the most that ran at once. */
class CountingSemaphore extends Semaphore {
  runs = 0;
  mostAtOnce = 0;
  private running = 0;

  override async run<T>(task: () => Promise<T>): Promise<T> {
    return super.run(async () => {
      this.runs += 1;
      this.mostAtOnce = Math.max(this.mostAtOnce, ++this.running);
      try {
        return await task();
      } finally {
        this.running -= 1;
      }
    });
  }
}
