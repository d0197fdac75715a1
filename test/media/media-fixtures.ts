/**
 * Test images made on the fly with sharp (no binary fixtures), a throw-away local store, and
 * a byte source that counts how much of it was pulled.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { LocalDriver } from '../../src/storage/local/local-driver.js';
import { Store } from '../../src/storage/store.js';
import type { ObjectStore, PutOptions, PutResult } from '../../src/storage/object-store.js';
import type { Readable } from 'node:stream';

/** A picture with structure (gradient + noise), so encoders and resizers have real work. */
export async function makeImage(
  format: 'jpeg' | 'png' | 'gif' | 'webp',
  width = 640,
  height = 480,
  options: { orientation?: number; gps?: boolean } = {},
): Promise<Buffer> {
  let image = sharp({
    create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  });
  if (options.gps) {
    image = image.withExif({
      IFD0: { Make: 'TestCam', Model: 'Secret Model' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 26/1 46/1', GPSLongitudeRef: 'W', GPSLongitude: '79/1 58/1 56/1' },
    });
  }
  if (options.orientation !== undefined) image = image.withMetadata({ orientation: options.orientation });
  return image.toFormat(format).toBuffer();
}

export function bytesOf(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** True when `needle` occurs in `haystack` (binary safe). */
export function contains(haystack: Uint8Array, needle: string | Uint8Array): boolean {
  const wanted = typeof needle === 'string' ? Buffer.from(needle, 'latin1') : Buffer.from(needle);
  return Buffer.from(haystack).includes(wanted);
}

/** Yields `chunks` chunks of `chunkSize` bytes on demand; `pulled` says how many bytes were asked for. */
export function countingSource(chunkSize: number, chunks: number): AsyncIterable<Uint8Array> & { pulled: number; finished: boolean } {
  const source = {
    pulled: 0,
    finished: false,
    async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < chunks; i++) {
          source.pulled += chunkSize;
          yield new Uint8Array(chunkSize).fill(0x41);
        }
      } finally {
        source.finished = true;
      }
    },
  };
  return source;
}

export async function* chunksOf(bytes: Uint8Array, size = 16 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface TempStore {
  store: Store;
  keys(prefix?: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const root = await mkdtemp(path.join(tmpdir(), 'vitrina-media-'));
  const store = new Store(new LocalDriver({ root }));
  return {
    store,
    async keys(prefix = '') {
      const keys: string[] = [];
      for await (const object of store.listAll(prefix)) keys.push(object.key);
      return keys;
    },
    async cleanup() {
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Delegates to `inner`, but its `failOn`-th put throws (after the others went through). */
export function failingOnPut(inner: ObjectStore, failOn: number): ObjectStore & { putKeys: string[] } {
  let puts = 0;
  const putKeys: string[] = [];
  return Object.assign(Object.create(inner) as ObjectStore, {
    putKeys,
    async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
      puts += 1;
      putKeys.push(key);
      if (puts === failOn) throw new Error(`simulated failure of put #${failOn}`);
      return inner.put(key, body, options);
    },
  });
}

/** A real decompression bomb: a 1-bit 20000×20000 PNG of one colour, a few dozen KB. */
export function pngBomb(side = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  const rows = Buffer.alloc(side * (1 + Math.ceil(side / 8))); // all zero: filter 0, black
  const idat = deflateSync(rows, { level: 9 });
  return png([pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

// Damaged files whose type, header and container are all right: only decoding their data
// shows what is wrong (media/decode-check.ts).

/**
 * Finding 9's `png_bad_idat`: a 64×48 RGB PNG whose every chunk and CRC is correct, but whose
 * IDAT is not zlib data.
 */
export function pngBadIdat(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(64, 0);
  ihdr.writeUInt32BE(48, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const junk = Buffer.from('this is not zlib data. '.repeat(90), 'latin1');
  return png([pngChunk('IHDR', ihdr), pngChunk('IDAT', junk), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * An 800×600 JPEG with all its headers intact (quantisation and Huffman tables, frame, scan
 * header) whose entropy-coded data is garbage — text, so no 0xFF and no stray marker — half
 * as long as the picture needs, then its end-of-image marker.
 */
export async function jpegBadScan(): Promise<Buffer> {
  const jpeg = await makeImage('jpeg', 800, 600);
  let pos = 2;
  while (jpeg[pos + 1] !== 0xda) pos += 2 + jpeg.readUInt16BE(pos + 2);
  const scanStart = pos + 2 + jpeg.readUInt16BE(pos + 2);
  const garbage = Buffer.from('not a JPEG scan, only words. '.repeat(jpeg.length), 'latin1').subarray(
    0,
    (jpeg.length - 2 - scanStart) >> 1,
  );
  return Buffer.concat([jpeg.subarray(0, scanStart), garbage, Buffer.from([0xff, 0xd9])]);
}

/**
 * A 400×300 lossy WebP whose VP8 data is cut in half, with the chunk's and the RIFF's sizes
 * rewritten to match: a complete container around data that ends too soon.
 */
export async function webpCutData(): Promise<Buffer> {
  const webp = await makeImage('webp', 400, 300);
  if (webp.toString('latin1', 12, 16) !== 'VP8 ') throw new Error('expected a simple lossy WebP');
  const data = webp.subarray(20, 20 + webp.readUInt32LE(16));
  const cut = data.subarray(0, (data.length >> 1) & ~1);
  const out = Buffer.alloc(20 + cut.length);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(12 + cut.length, 4);
  out.write('WEBPVP8 ', 8, 'latin1');
  out.writeUInt32LE(cut.length, 16);
  cut.copy(out, 20);
  return out;
}

function png(chunks: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A JPEG comment segment (FF FE) inserted right after SOI. */
export function withJpegComment(jpeg: Buffer, comment: string): Buffer {
  const text = Buffer.from(comment, 'latin1');
  const segment = Buffer.alloc(4 + text.length);
  segment.set([0xff, 0xfe], 0);
  segment.writeUInt16BE(text.length + 2, 2);
  text.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** The start of an iPhone photo: an ISO-BMFF `ftyp` box of brand heic and a `meta` box (what `file-type` and public/app.js read). */
export function heicHeader(): Buffer {
  const b = Buffer.alloc(256);
  b.writeUInt32BE(24, 0);
  b.write('ftypheic', 4, 'latin1');
  b.write('mif1heic', 16, 'latin1');
  b.writeUInt32BE(40, 24);
  b.write('meta', 28, 'latin1');
  return b;
}
