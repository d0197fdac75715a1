/**
 * Where an old app's `image_path` points, and its bytes (within the upload size limit):
 *
 *   martillo.jpg                        a bare file name: DIR/martillo.jpg, else DIR/products/martillo.jpg
 *   products/1738204800_martillo.jpg    a path relative to the uploads folder (or to a folder
 *   static/uploads/products/…           above it: leading segments are dropped until it is found)
 *   http://localhost:9000/uploads/products/tenant_1/1738204800_martillo.jpg
 *                                       a URL: on the old app's S3 endpoint (given, with its
 *                                       credentials), read from that S3 — path style: the first
 *                                       segment is the bucket, the rest the key; under its
 *                                       S3_PUBLIC_URL, the rest is a key in its S3_BUCKET, read
 *                                       from that endpoint too; anything else is a plain GET
 *                                       (a public bucket, a CDN) through checkedFetch
 *
 * A path never leaves the uploads folder (`..`, absolute paths elsewhere and symlinks out of
 * it are refused): a CSV must not be a way to read other files of the machine. Nor is a URL a
 * way into its network: a plain GET is refused on loopback, private and link-local addresses
 * (unless allowPrivateNetwork), and the old app's credentials go to its configured endpoint
 * only — never to a host the CSV names (without an endpoint, nothing is signed). The endpoint
 * itself is the operator's choice and is not checked.
 *
 * @example
 *   const images = legacyImageSource({ uploadsDir: 'static/uploads', maxBytes: 2 << 20, s3: undefined, logger });
 *   const { bytes, fileName } = await images.read('martillo.jpg', signal);
 */
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { S3Config } from '../../config.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { readWithLimit, tooLargeError } from '../../media/size-limit.js';
import { S3Driver } from '../../storage/s3/s3-driver.js';
import { isStorageError } from '../../storage/storage-error.js';
import { Store } from '../../storage/store.js';
import { checkedFetch, DEFAULT_FETCH_TIMEOUTS, type FetchTimeouts } from './checked-fetch.js';
import { deadline } from './deadline.js';

export interface LegacyImage {
  bytes: Buffer;
  /** The file's own name (kept, sanitised, as the image's metadata). */
  fileName: string;
}

export interface LegacyImageSourceOptions {
  /** The old app's uploads folder; without one, only URLs can be read. */
  uploadsDir: string | undefined;
  /** The upload size limit (MAX_UPLOAD_SIZE): a larger file is refused like a larger upload. */
  maxBytes: number;
  /** The old app's S3: URLs on its endpoint (or under its S3_PUBLIC_URL) are read through it when the endpoint and credentials are set. */
  s3?: S3Config | undefined;
  logger: Logger;
  /** Fetch from loopback, private and link-local addresses too (--allow-private-network). */
  allowPrivateNetwork?: boolean | undefined;
  /** Time limits for one image over HTTP (default 10 s to connect, 30 s to the answer, 60 s for the body); the body limit bounds an S3 read too. */
  timeouts?: Partial<FetchTimeouts> | undefined;
}

export interface LegacyImageSource {
  /** @throws AppError NotFound | TooLarge | Unprocessable | Unavailable — the message says which file and why */
  read(imagePath: string, signal?: AbortSignal): Promise<LegacyImage>;
  close(): Promise<void>;
}

export function legacyImageSource(options: LegacyImageSourceOptions): LegacyImageSource {
  const buckets = new Map<string, Store>();
  const storeFor = (s3: S3Config, bucket: string): Store => {
    let store = buckets.get(bucket);
    if (store === undefined) {
      store = new Store(new S3Driver({ s3: { ...s3, bucket }, logger: options.logger }));
      buckets.set(bucket, store);
    }
    return store;
  };
  // The uploads folder with its links resolved: the same for every file of the run.
  let uploadsRoot: Promise<string> | undefined;
  return {
    async read(imagePath, signal) {
      if (/^https?:\/\//i.test(imagePath)) return readUrl(options, imagePath, storeFor, signal);
      if (options.uploadsDir === undefined)
        throw new AppError('Unprocessable', 'it is a file path, but no uploads folder was given (--uploads DIR)');
      uploadsRoot ??= realpath(options.uploadsDir);
      return readFile(options.uploadsDir, await uploadsRoot, options.maxBytes, imagePath, signal);
    },
    async close() {
      for (const store of buckets.values()) await store.close();
    },
  };
}

/** `imagePath` in the uploads folder `uploadsDir` (`root`: its real path). */
async function readFile(
  uploadsDir: string,
  root: string,
  maxBytes: number,
  imagePath: string,
  signal: AbortSignal | undefined,
): Promise<LegacyImage> {
  const relative = imagePath.replace(/\\/g, '/').replace(/^\.\//, '');
  if (relative.split('/').includes('..'))
    throw new AppError('Unprocessable', `image path ${JSON.stringify(imagePath)} goes outside the uploads folder`);
  for (const candidate of candidates(relative, root)) {
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      continue;
    }
    if (real !== root && !real.startsWith(root + path.sep))
      throw new AppError('Unprocessable', `image path ${JSON.stringify(imagePath)} leads outside the uploads folder`);
    const handle = await open(real, 'r').catch(() => undefined);
    if (handle === undefined) continue;
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) continue;
      if (stats.size > maxBytes) throw tooLargeError(maxBytes);
      const bytes = await readWithLimit(handle.createReadStream({ autoClose: false }), maxBytes, signal);
      return { bytes, fileName: path.basename(real) };
    } finally {
      await handle.close();
    }
  }
  const looked = relative.includes('/') ? uploadsDir : `${uploadsDir} and ${path.join(uploadsDir, 'products')}`;
  throw new AppError('NotFound', `image file ${JSON.stringify(imagePath)} not found (looked in ${looked})`);
}

/** DIR/p; for a bare name DIR/products/p; for a longer path, p with leading segments dropped. */
function candidates(relative: string, root: string): string[] {
  const trimmed = relative.replace(/^\/+/, '');
  const segments = trimmed.split('/').filter((s) => s !== '');
  if (segments.length === 0) return [];
  const out: string[] = [];
  // An absolute path is taken as is only when it lies in the uploads folder (checked by the caller).
  if (path.isAbsolute(relative)) out.push(relative);
  if (segments.length === 1) return [...out, path.join(root, segments[0]!), path.join(root, 'products', segments[0]!)];
  for (let i = 0; i < segments.length; i++) out.push(path.join(root, ...segments.slice(i)));
  return out;
}

async function readUrl(
  options: LegacyImageSourceOptions,
  imagePath: string,
  storeFor: (s3: S3Config, bucket: string) => Store,
  signal: AbortSignal | undefined,
): Promise<LegacyImage> {
  let url: URL;
  try {
    url = new URL(imagePath);
  } catch {
    throw new AppError('Unprocessable', `image URL ${JSON.stringify(imagePath)} is not a valid URL`);
  }
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeSegment);
  const fileName = segments.at(-1) ?? 'image';
  const s3 = options.s3;
  // Credentials go to the configured endpoint only: without one, no URL is read signed.
  const object = s3?.endpoint !== undefined && s3.accessKeyId !== undefined ? s3Object(s3, url, imagePath, segments) : undefined;
  if (object === undefined) {
    const bytes = await checkedFetch(url, {
      maxBytes: options.maxBytes,
      allowPrivateNetwork: options.allowPrivateNetwork === true,
      timeouts: options.timeouts,
      signal,
    });
    return { bytes, fileName };
  }
  const { bucket, key } = object;
  // The same whole-body limit as over HTTP: the store's own timeouts only bound an idle socket.
  const bodyMs = options.timeouts?.bodyMs ?? DEFAULT_FETCH_TIMEOUTS.bodyMs;
  const limit = deadline(bodyMs, signal);
  try {
    const got = await storeFor(s3!, bucket).get(key, { signal: limit.signal });
    if (got.contentLength > options.maxBytes) {
      got.body.destroy();
      throw tooLargeError(options.maxBytes);
    }
    return { bytes: await readWithLimit(got.body, options.maxBytes, limit.signal), fileName };
  } catch (err) {
    if (limit.expired() && !signal?.aborted)
      throw new AppError(
        'Unavailable',
        `image ${imagePath} took longer than ${bodyMs / 1000} s to read from S3 (the limit for one image)`,
        { cause: err },
      );
    if (isStorageError(err, 'ObjectNotFound'))
      throw new AppError('NotFound', `image ${imagePath} not found (no object ${key} in bucket ${bucket})`, { cause: err });
    if (isStorageError(err))
      throw new AppError('Unavailable', `image ${imagePath} could not be read from S3: ${err.message}`, { cause: err });
    throw err;
  } finally {
    limit.clear();
  }
}

/** The old app's bucket and key for a URL on its endpoint (path style) or under its S3_PUBLIC_URL; undefined for any other URL. */
function s3Object(s3: S3Config, url: URL, imagePath: string, segments: string[]): { bucket: string; key: string } | undefined {
  const publicBase = s3.publicUrl === undefined ? undefined : `${s3.publicUrl}/`;
  const viaPublicBase = publicBase !== undefined && imagePath.startsWith(publicBase);
  if (!viaPublicBase && new URL(s3.endpoint!).origin !== url.origin) return undefined;
  const rest = viaPublicBase
    ? new URL(imagePath.slice(publicBase.length), 'http://x/').pathname
        .split('/')
        .filter((x) => x !== '')
        .map(decodeSegment)
    : segments;
  const bucket = viaPublicBase ? s3.bucket : rest[0];
  const key = (viaPublicBase ? rest : rest.slice(1)).join('/');
  if (bucket === undefined || key === '')
    throw new AppError('Unprocessable', `image URL ${imagePath} names no bucket and key (expected ${url.origin}/BUCKET/KEY)`);
  return { bucket, key };
}

/** `%C3%B1` → `ñ`; a malformed escape (`%E0%A4%A`) is kept as written rather than failing the row. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
