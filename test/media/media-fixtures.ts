/**
 * Test images made on the fly with sharp (no binary fixtures), a throw-away local store, and
 * a byte source that counts how much of it was pulled.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { LocalObjectStore } from '../../src/storage/local/local-object-store.js';
import type { ObjectStore, PutOptions, PutResult } from '../../src/storage/object-store.js';
import type { Readable } from 'node:stream';

/** A picture with structure (gradient + noise), so encoders and resizers have real work. */
export async function makeImage(
  format: 'jpeg' | 'png' | 'gif' | 'webp',
  width = 640,
  height = 480,
  options: { orientation?: number; gps?: boolean } = {},
): Promise<Buffer> {
  let image = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
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
  store: LocalObjectStore;
  keys(prefix?: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const root = await mkdtemp(path.join(tmpdir(), 'vitrina-media-'));
  const store = new LocalObjectStore({ root, baseUrl: 'http://localhost:3000', secret: 'test-secret-test-secret-test-secret', signedUrlTtl: 60 });
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
