/**
 * Where an old app's `image_path` points, and its bytes (within the upload size limit):
 *
 *   martillo.jpg                        a bare file name: DIR/martillo.jpg, else DIR/products/martillo.jpg
 *   products/1738204800_martillo.jpg    a path relative to the uploads folder (or to a folder
 *   static/uploads/products/…           above it: leading segments are dropped until it is found)
 *   http://localhost:9000/uploads/products/tenant_1/1738204800_martillo.jpg
 *                                       a URL: on the old app's S3 endpoint (and with its
 *                                       credentials), read from that S3 — path style: the first
 *                                       segment is the bucket, the rest the key; under its
 *                                       S3_PUBLIC_URL, the rest is a key in its S3_BUCKET;
 *                                       anything else is fetched over HTTP (a public bucket, a CDN)
 *
 * A path never leaves the uploads folder (`..`, absolute paths elsewhere and symlinks out of
 * it are refused): a CSV must not be a way to read other files of the machine.
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
import { S3ObjectStore } from '../../storage/s3/s3-object-store.js';
import { isStorageError } from '../../storage/storage-error.js';

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
  /** The old app's S3 (credentials, endpoint): URLs are read through it when set. */
  s3?: S3Config | undefined;
  logger: Logger;
  /** Milliseconds for one HTTP fetch (default 30 s). */
  fetchTimeoutMs?: number | undefined;
}

export interface LegacyImageSource {
  /** @throws AppError NotFound | TooLarge | Unprocessable | Unavailable — the message says which file and why */
  read(imagePath: string, signal?: AbortSignal): Promise<LegacyImage>;
  close(): Promise<void>;
}

export function legacyImageSource(options: LegacyImageSourceOptions): LegacyImageSource {
  const buckets = new Map<string, S3ObjectStore>();
  const storeFor = (s3: S3Config, bucket: string): S3ObjectStore => {
    let store = buckets.get(bucket);
    if (store === undefined) {
      store = new S3ObjectStore({ s3: { ...s3, bucket }, signedUrlTtl: 60, logger: options.logger });
      buckets.set(bucket, store);
    }
    return store;
  };
  // The uploads folder with its links resolved: the same for every file of the run.
  let uploadsRoot: Promise<string> | undefined;
  return {
    async read(imagePath, signal) {
      if (/^https?:\/\//i.test(imagePath)) return readUrl(options, imagePath, storeFor, signal);
      if (options.uploadsDir === undefined) throw new AppError('Unprocessable', 'it is a file path, but no uploads folder was given (--uploads DIR)');
      uploadsRoot ??= realpath(options.uploadsDir);
      return readFile(options.uploadsDir, await uploadsRoot, options.maxBytes, imagePath, signal);
    },
    async close() {
      for (const store of buckets.values()) await store.close();
    },
  };
}

/** `imagePath` in the uploads folder `uploadsDir` (`root`: its real path). */
async function readFile(uploadsDir: string, root: string, maxBytes: number, imagePath: string, signal: AbortSignal | undefined): Promise<LegacyImage> {
  const relative = imagePath.replace(/\\/g, '/').replace(/^\.\//, '');
  if (relative.split('/').includes('..')) throw new AppError('Unprocessable', `image path ${JSON.stringify(imagePath)} goes outside the uploads folder`);
  for (const candidate of candidates(relative, root)) {
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      continue;
    }
    if (real !== root && !real.startsWith(root + path.sep)) throw new AppError('Unprocessable', `image path ${JSON.stringify(imagePath)} leads outside the uploads folder`);
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
  storeFor: (s3: S3Config, bucket: string) => S3ObjectStore,
  signal: AbortSignal | undefined,
): Promise<LegacyImage> {
  let url: URL;
  try {
    url = new URL(imagePath);
  } catch {
    throw new AppError('Unprocessable', `image URL ${JSON.stringify(imagePath)} is not a valid URL`);
  }
  const segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const fileName = segments.at(-1) ?? 'image';
  const s3 = options.s3;
  const publicBase = s3?.publicUrl === undefined ? undefined : `${s3.publicUrl}/`;
  // Read through S3 only what lives there: the old app's endpoint (path style), or its public base.
  const viaPublicBase = publicBase !== undefined && imagePath.startsWith(publicBase);
  const viaEndpoint = s3?.endpoint === undefined || new URL(s3.endpoint).origin === url.origin;
  if (s3 !== undefined && s3.accessKeyId !== undefined && (viaPublicBase || viaEndpoint)) {
    const rest = viaPublicBase ? new URL(imagePath.slice(publicBase.length), 'http://x/').pathname.split('/').filter((x) => x !== '').map((x) => decodeURIComponent(x)) : segments;
    const bucket = viaPublicBase ? s3.bucket : rest[0];
    const key = (viaPublicBase ? rest : rest.slice(1)).join('/');
    if (bucket === undefined || key === '') throw new AppError('Unprocessable', `image URL ${imagePath} names no bucket and key (expected ${url.origin}/BUCKET/KEY)`);
    // The URL names the server when no endpoint was given for the old app's S3.
    const settings = s3.endpoint === undefined ? { ...s3, endpoint: url.origin, forcePathStyle: true, checksumMode: 'WHEN_REQUIRED' as const } : s3;
    try {
      const got = await storeFor(settings, bucket).get(key, { signal });
      if (got.contentLength > options.maxBytes) {
        got.body.destroy();
        throw tooLargeError(options.maxBytes);
      }
      return { bytes: await readWithLimit(got.body, options.maxBytes, signal), fileName };
    } catch (err) {
      if (isStorageError(err, 'ObjectNotFound')) throw new AppError('NotFound', `image ${imagePath} not found (no object ${key} in bucket ${bucket})`, { cause: err });
      if (isStorageError(err)) throw new AppError('Unavailable', `image ${imagePath} could not be read from S3: ${err.message}`, { cause: err });
      throw err;
    }
  }
  let res: Response;
  try {
    res = await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(options.fetchTimeoutMs ?? 30_000)]) : AbortSignal.timeout(options.fetchTimeoutMs ?? 30_000) });
  } catch (err) {
    throw new AppError('Unavailable', `image ${imagePath} could not be fetched: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 404) throw new AppError('NotFound', `image ${imagePath} not found (HTTP 404)`);
  if (!res.ok || res.body === null) {
    await res.body?.cancel();
    const hint = res.status === 403 ? '; give the old S3 credentials (--source-env or --source-access-key/--source-secret-key)' : '';
    throw new AppError('Unavailable', `image ${imagePath} could not be fetched (HTTP ${res.status})${hint}`);
  }
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(length) && length > options.maxBytes) {
    await res.body.cancel();
    throw tooLargeError(options.maxBytes);
  }
  return { bytes: await readWithLimit(res.body as AsyncIterable<Uint8Array>, options.maxBytes, signal), fileName };
}
