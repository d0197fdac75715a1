/**
 * Copying one object from one store to another (any driver to any driver) and checking the
 * copy: the building blocks of `vitrina storage migrate`.
 *
 * `copyObject` keeps the key, content type, cache control, content disposition and user
 * metadata, and returns the sha256 of the source's bytes as sent (the source's recorded one,
 * checked by the destination, when the source keeps one). Objects up to `bufferLimit` bytes (all images, normally) are read into memory and
 * put as one request: the S3 driver then signs the payload's sha256, so the server itself
 * refuses bytes damaged on the way. Larger ones stream (multipart above the part size).
 *
 * A copy is then checked one of two ways (`CheckMode`):
 *
 *   on-write   the destination proves, as it takes the put, that it received exactly the bytes
 *              sent: a store that checks the sha256 a put comes with (`checksSha256OnWrite`: S3
 *              verifies the signed payload hash, the local driver hashes what it writes) refuses
 *              anything else, so a buffered copy (`checkedOnWrite`) that it accepted is proven.
 *              On a store that does not check, the put's answer must carry an ETag that is the
 *              MD5 of the bytes sent (`etagConfirms`, what `rclone copy` checks). A copy with
 *              neither proof (a streamed one, say) is read back.
 *   read-back  `verifyObject` reads the object back from the destination and compares its size,
 *              sha256 and content type with what was sent: a copy counts only once the
 *              destination has returned exactly those bytes.
 *
 * @example
 *   const copied = await copyObject(local, s3, key, { signal });
 *   const problem = copied.checkedOnWrite && (await s3.checksSha256OnWrite()) ? undefined : await verifyObject(s3, key, copied, { signal });
 */
import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ObjectStore, PutOptions } from '../object-store.js';
import { StorageError, abortedError, isStorageError } from '../storage-error.js';
import { StreamMeter } from '../stream-meter.js';

/** How a copy is checked: proven by the destination as it takes the put, or read back from it. */
export type CheckMode = 'on-write' | 'read-back';

/** What was sent to the destination: what its copy must read back as. */
export interface CopiedObject {
  key: string;
  size: number;
  /** Lowercase hex sha256 of the bytes sent. */
  sha256: string;
  contentType: string;
  /** Lowercase hex MD5 of the bytes sent, when asked for (`md5: true`) and the copy went as one request. */
  md5?: string | undefined;
  /** The ETag the destination answered the put with, as it gave it (quotes included). */
  etag?: string | undefined;
  /**
   * Sent as one buffered put with its sha256 (the source's record, or the driver's hash of the
   * buffer): a destination that `checksSha256OnWrite` has verified these very bytes. False for
   * a streamed copy.
   */
  checkedOnWrite: boolean;
}

export interface CopyOptions {
  signal?: AbortSignal | undefined;
  /** Objects up to this many bytes are buffered and sent in one request (default 8 MiB). */
  bufferLimit?: number | undefined;
  /** Also hash the bytes with MD5, for `etagConfirms` (buffered copies only). */
  md5?: boolean | undefined;
}

const DEFAULT_BUFFER_LIMIT = 8 * 1024 * 1024;
const FALLBACK_TYPE = 'application/octet-stream';

/**
 * Copies `key` from `source` to `destination` (overwriting whatever is there).
 * @throws StorageError ObjectNotFound (from the source) | Aborted | any other driver error
 */
export async function copyObject(
  source: ObjectStore,
  destination: ObjectStore,
  key: string,
  options: CopyOptions = {},
): Promise<CopiedObject> {
  const { signal } = options;
  const got = await source.get(key, { signal });
  const contentType = got.contentType ?? FALLBACK_TYPE;
  const put: PutOptions = {
    contentType,
    cacheControl: got.cacheControl,
    contentDisposition: got.contentDisposition,
    metadata: got.metadata,
    signal,
  };
  if (got.contentLength <= (options.bufferLimit ?? DEFAULT_BUFFER_LIMIT)) {
    const bytes = await collect(got.body, signal, key);
    if (bytes.length !== got.contentLength) {
      throw new StorageError(
        'StoreError',
        `The source returned ${bytes.length} of the ${got.contentLength} bytes of ${JSON.stringify(key)}.`,
        { key },
      );
    }
    // The sha256 the source recorded, where it keeps one (local metadata), goes with the bytes
    // unhashed: the S3 driver signs it and the server checks what it received against it, so a
    // source file that no longer matches its record is refused instead of copied. Otherwise the
    // driver hashes this very buffer. Either way, no second pass here.
    const result = await destination.put(key, bytes, { ...put, sha256: got.sha256 });
    if (result.size !== bytes.length)
      throw new StorageError(
        'StoreError',
        `The destination stored ${result.size} of the ${bytes.length} bytes of ${JSON.stringify(key)}.`,
        { key },
      );
    if (got.sha256 !== undefined && result.sha256 !== got.sha256) {
      throw new StorageError(
        'StoreError',
        `The source's bytes of ${JSON.stringify(key)} do not match the sha256 it recorded for them: the source object is damaged.`,
        { key },
      );
    }
    const md5 = options.md5 ? createHash('md5').update(bytes).digest('hex') : undefined;
    return { key, size: bytes.length, sha256: result.sha256, contentType, md5, etag: result.etag, checkedOnWrite: true };
  }
  // Streamed: our own meter hashes the source; the driver's fails the put when the stream ends
  // short of (or runs past) the length.
  const meter = new StreamMeter({ expectedLength: got.contentLength, key });
  const metered = pipeline(got.body, meter, () => undefined);
  const result = await destination.put(key, metered, { ...put, contentLength: got.contentLength });
  return { key, size: meter.bytes, sha256: meter.sha256(), contentType, etag: result.etag, checkedOnWrite: false };
}

/**
 * True when the destination's answer to the put proves it received exactly the bytes sent: its
 * ETag is their MD5 (`"<hex>"`). False when there is no MD5 to compare, or no such ETag — a
 * multipart ETag (`"…-3"`), an encrypted bucket's, the local driver's (a sha256) — and then the
 * copy must be read back with `verifyObject`.
 */
export function etagConfirms(copied: CopiedObject): boolean {
  return copied.md5 !== undefined && copied.etag !== undefined && copied.etag.toLowerCase() === `"${copied.md5}"`;
}

/**
 * Reads `key` back from `store` and compares it with `expected`.
 * @returns undefined when size, sha256 (and content type, when given) match; otherwise why not
 * @throws StorageError Aborted | errors other than ObjectNotFound (the store failing is not a bad copy)
 */
export async function verifyObject(
  store: ObjectStore,
  key: string,
  expected: { size: number; sha256: string; contentType?: string | undefined },
  options: { signal?: AbortSignal | undefined } = {},
): Promise<string | undefined> {
  let got;
  try {
    got = await store.get(key, { signal: options.signal });
  } catch (err) {
    if (isStorageError(err, 'ObjectNotFound')) return `missing at the destination (${store.location})`;
    throw err;
  }
  const hash = createHash('sha256');
  let size = 0;
  try {
    await eachChunk(got.body, (chunk) => {
      size += chunk.length;
      hash.update(chunk);
    });
  } catch (err) {
    if (options.signal?.aborted) throw abortedError(options.signal, key);
    throw new StorageError('StoreError', `Reading ${JSON.stringify(key)} back from ${store.location} failed.`, { cause: err, key });
  }
  const sha256 = hash.digest('hex');
  if (size !== expected.size) return `the destination returned ${size} bytes instead of ${expected.size}`;
  if (sha256 !== expected.sha256)
    return `the destination returned different bytes (sha256 ${sha256.slice(0, 12)}… instead of ${expected.sha256.slice(0, 12)}…)`;
  if (expected.contentType !== undefined && got.contentType !== expected.contentType) {
    return `the destination has content type ${JSON.stringify(got.contentType ?? null)} instead of ${JSON.stringify(expected.contentType)}`;
  }
  return undefined;
}

/**
 * Every chunk of `body` to `onChunk`, in flowing mode (cheaper per chunk than `for await`).
 * Resolves at the end; rejects when the stream fails or closes before its end.
 */
function eachChunk(body: Readable, onChunk: (chunk: Buffer) => void): Promise<void> {
  body.on('data', onChunk);
  return finished(body);
}

/** The whole body in one buffer. */
async function collect(body: Readable, signal: AbortSignal | undefined, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    await eachChunk(body, (chunk) => {
      chunks.push(chunk);
      total += chunk.length;
    });
  } catch (err) {
    if (signal?.aborted) throw abortedError(signal, key);
    if (err instanceof StorageError) throw err;
    throw new StorageError('StoreError', `Reading ${JSON.stringify(key)} from the source failed.`, { cause: err, key });
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, total);
}
