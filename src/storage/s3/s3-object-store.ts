/**
 * The ObjectStore contract on S3 and S3-compatible servers (AWS, MinIO, Ceph RGW, Spaces, R2).
 * Every key is checked once with `assertValidKey`; every request carries the caller's
 * `AbortSignal`; every failure is a StorageError with the SDK's error as `cause`.
 *
 * @example
 *   const store = new S3ObjectStore({ s3: config.s3, signedUrlTtl: config.signedUrlTtl, logger });
 *   await store.put(key, bytes, { contentType: 'image/webp', cacheControl: 'public, max-age=31536000, immutable' });
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { assertValidKey, assertValidPrefix } from '../keys.js';
import type {
  DeleteManyResult,
  GetOptions,
  GetResult,
  HeadResult,
  ListedObject,
  ListOptions,
  ListPage,
  ObjectStore,
  PresignedPost,
  PresignedPostOptions,
  PutOptions,
  PutResult,
  SignalOption,
  SignedUrlOptions,
} from '../object-store.js';
import { StorageError, abortedError, isStorageError } from '../storage-error.js';
import { sha256Hex, tooLarge } from '../stream-meter.js';
import { deleteBatch } from './s3-delete-many.js';
import { createS3Client, describeEndpoint, sendCommand } from './s3-client.js';
import { mapS3Error, s3ErrorName, type S3ErrorContext } from './map-s3-error.js';
import { DirectPut } from './direct-put.js';
import { putBytes, putLongStream, putShortStream, type PutContext } from './s3-put.js';
import { encodeKey, presignPost, presignGet } from './s3-presign.js';
import { listAllPages } from '../list-all.js';

export interface S3ObjectStoreOptions {
  s3: S3Config;
  /** Default lifetime of signed URLs, in seconds. */
  signedUrlTtl: number;
  logger?: Logger | undefined;
  /** A client to use instead of one made from `s3`; the caller keeps ownership (close() leaves it open). */
  client?: S3Client | undefined;
  /**
   * Send small buffered puts without the SDK's middleware stack (direct-put.ts), handing any
   * that does not simply succeed back to the SDK: for bulk copies (`storage migrate`), where
   * the SDK's CPU per request is the limit. Only with an endpoint (not AWS S3 itself).
   */
  directPuts?: boolean | undefined;
}

/**
 * Parts uploaded at once by a multipart put. lib-storage copies every part into a fresh
 * buffer, so memory is in-flight parts plus garbage awaiting GC: a 200 MiB stream with 8 MiB
 * parts grew RSS by 60-70 MB with 1 and by 70-107 MB with 2 (limit: 100 MB). Uploads are
 * capped by MAX_UPLOAD_SIZE (2 MiB by default), so multipart is for rare large objects.
 */
const QUEUE_SIZE = 1;
/** How servers refuse a body that does not match its signed sha256. */
const SHA256_REFUSALS = new Set(['XAmzContentSHA256Mismatch', 'BadDigest']);
const DELETE_BATCH = 1000;

export class S3ObjectStore implements ObjectStore {
  readonly driver = 's3' as const;
  readonly location: string;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly endpoint: string;
  private sha256Check: Promise<boolean> | undefined;
  /** Set with `directPuts` where the store has an endpoint. */
  readonly direct: DirectPut | undefined;

  constructor(private readonly options: S3ObjectStoreOptions) {
    this.client = options.client ?? createS3Client(options.s3, options.logger);
    this.ownsClient = options.client === undefined;
    this.direct = options.directPuts ? DirectPut.forStore(this.client, options.s3) : undefined;
    this.location = `s3://${options.s3.bucket}`;
    this.endpoint = describeEndpoint(options.s3);
  }

  private get bucket(): string {
    return this.options.s3.bucket;
  }

  private errors(key: string | undefined, signal: AbortSignal | undefined): S3ErrorContext {
    return { endpoint: this.endpoint, bucket: this.bucket, key, signal };
  }

  private putContext(key: string, signal: AbortSignal | undefined): PutContext {
    return {
      client: this.client,
      bucket: this.bucket,
      key,
      partSize: this.options.s3.partSize,
      queueSize: QUEUE_SIZE,
      errors: this.errors(key, signal),
      logger: this.options.logger,
      direct: this.direct,
    };
  }

  /** Runs one request, mapping every failure (and the caller's abort) to a StorageError. */
  private async send<T>(
    key: string | undefined,
    signal: AbortSignal | undefined,
    run: (abortSignal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    if (signal?.aborted) throw abortedError(signal, key);
    try {
      return await run(signal);
    } catch (err) {
      throw mapS3Error(err, this.errors(key, signal));
    }
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    try {
      assertValidKey(key);
      const { signal, maxBytes, contentLength } = options;
      if (signal?.aborted) throw abortedError(signal, key);
      const size = body instanceof Uint8Array ? body.byteLength : contentLength;
      // Refuse before sending a byte when the size is already known to be too large.
      if (maxBytes !== undefined && size !== undefined && size > maxBytes) throw tooLarge(maxBytes, key);
      const ctx = this.putContext(key, signal);
      if (body instanceof Uint8Array) return await putBytes(ctx, body, options);
      if (contentLength !== undefined && contentLength <= ctx.partSize) {
        return await putShortStream(ctx, body, { ...options, contentLength });
      }
      return await putLongStream(ctx, body, options);
    } catch (err) {
      // The body is ours once passed: a failed put never leaves the caller's stream half-read.
      if (!(body instanceof Uint8Array) && !body.destroyed) body.destroy();
      throw err;
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    assertValidKey(key);
    const { range, signal } = options;
    if (
      range &&
      (!Number.isSafeInteger(range.start) ||
        range.start < 0 ||
        (range.end !== undefined && (!Number.isSafeInteger(range.end) || range.end < range.start)))
    ) {
      throw new StorageError('StoreError', `Invalid byte range ${JSON.stringify(range)}.`, { key });
    }
    const Range = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
    let out;
    try {
      out = await this.send(key, signal, (abortSignal) =>
        sendCommand(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key, Range }), { signal: abortSignal }),
      );
    } catch (err) {
      // A range starting past the end (416 InvalidRange) means there is nothing there to read.
      if (s3ErrorName((err as StorageError).cause) === 'InvalidRange') {
        throw new StorageError('ObjectNotFound', `Range ${Range} is past the end of object ${JSON.stringify(key)}.`, {
          cause: (err as StorageError).cause,
          key,
        });
      }
      throw err;
    }
    const body = out.Body as Readable;
    destroyOnAbort(body, signal, key);
    const contentLength = out.ContentLength ?? 0;
    const parsed = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(out.ContentRange ?? '');
    const returned = parsed ? { start: Number(parsed[1]), end: Number(parsed[2]) } : undefined;
    const totalSize = parsed && parsed[3] !== '*' ? Number(parsed[3]) : contentLength;
    return {
      key,
      body,
      contentLength,
      totalSize,
      // A range covering the whole object may come back as a plain 200: report what was asked.
      range: range ? (returned ?? { start: 0, end: Math.max(0, contentLength - 1) }) : undefined,
      contentType: out.ContentType,
      cacheControl: out.CacheControl,
      contentDisposition: out.ContentDisposition,
      metadata: out.Metadata ?? {},
      etag: out.ETag,
      lastModified: out.LastModified,
    };
  }

  async head(key: string, options: SignalOption = {}): Promise<HeadResult> {
    assertValidKey(key);
    const out = await this.send(key, options.signal, (abortSignal) =>
      sendCommand(this.client, new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { signal: abortSignal }),
    );
    return {
      key,
      size: out.ContentLength ?? 0,
      contentType: out.ContentType,
      cacheControl: out.CacheControl,
      contentDisposition: out.ContentDisposition,
      metadata: out.Metadata ?? {},
      etag: out.ETag,
      lastModified: out.LastModified,
    };
  }

  async exists(key: string, options: SignalOption = {}): Promise<boolean> {
    try {
      await this.head(key, options);
      return true;
    } catch (err) {
      if (err instanceof StorageError && err.code === 'ObjectNotFound') return false;
      throw err;
    }
  }

  async delete(key: string, options: SignalOption = {}): Promise<void> {
    assertValidKey(key);
    // S3 answers 204 for a missing key too, so a delete is idempotent by itself.
    await this.send(key, options.signal, (abortSignal) =>
      sendCommand(this.client, new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { signal: abortSignal }),
    );
  }

  async deleteMany(keys: readonly string[], options: SignalOption = {}): Promise<DeleteManyResult> {
    const result: DeleteManyResult = { deleted: [], failed: [] };
    const valid: string[] = [];
    for (const key of keys) {
      try {
        assertValidKey(key);
        valid.push(key);
      } catch (err) {
        result.failed.push({ key: String(key), error: err as StorageError });
      }
    }
    for (let i = 0; i < valid.length; i += DELETE_BATCH) {
      if (options.signal?.aborted) throw abortedError(options.signal);
      const batch = await deleteBatch(this.client, valid.slice(i, i + DELETE_BATCH), this.errors(undefined, options.signal));
      result.deleted.push(...batch.deleted);
      result.failed.push(...batch.failed);
    }
    return result;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    const asked = Number.isFinite(options.limit) ? Math.trunc(options.limit!) : 1000;
    const limit = Math.min(Math.max(asked, 1), 1000);
    const out = await this.send(undefined, options.signal, (abortSignal) =>
      sendCommand(
        this.client,
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix === '' ? undefined : prefix,
          MaxKeys: limit,
          ContinuationToken: options.token,
        }),
        { signal: abortSignal },
      ),
    );
    const objects: ListedObject[] = (out.Contents ?? []).map((o) => ({
      key: o.Key ?? '',
      size: o.Size ?? 0,
      lastModified: o.LastModified,
      etag: o.ETag,
    }));
    return { objects, nextToken: out.IsTruncated ? out.NextContinuationToken : undefined };
  }

  listAll(prefix: string, options: SignalOption = {}): AsyncIterable<ListedObject> {
    return listAllPages(this, prefix, options);
  }

  checksSha256OnWrite(options: SignalOption = {}): Promise<boolean> {
    // One probe per store; a failed one (store unreachable, say) is not remembered.
    this.sha256Check ??= this.probeSha256Check(options.signal).catch((err: unknown) => {
      this.sha256Check = undefined;
      throw err;
    });
    return this.sha256Check;
  }

  /** Puts a few bytes under a wrong sha256: a server that checks the signed payload hash refuses them. */
  private async probeSha256Check(signal: AbortSignal | undefined): Promise<boolean> {
    const key = `_vitrina/sha256-check/${randomUUID()}`;
    try {
      await putBytes(this.putContext(key, signal), Buffer.from('vitrina: does this store check the sha256 of what it receives?'), {
        contentType: 'text/plain',
        sha256: sha256Hex(Buffer.from('other bytes')),
        signal,
      });
    } catch (err) {
      if (isStorageError(err) && SHA256_REFUSALS.has(s3ErrorName(err.cause))) return true;
      throw err;
    }
    // Stored anyway: this server takes whatever arrives. Tidy up; a copy must then be proven otherwise.
    await this.delete(key, { signal }).catch(() => undefined);
    return false;
  }

  async copy(sourceKey: string, destinationKey: string, options: SignalOption = {}): Promise<void> {
    assertValidKey(sourceKey);
    assertValidKey(destinationKey);
    // CopySource is `bucket/key`, URL-encoded per segment (real S3 decodes it; `/` stays).
    const CopySource = `${this.bucket}/${encodeKey(sourceKey)}`;
    await this.send(sourceKey, options.signal, (abortSignal) =>
      sendCommand(this.client, new CopyObjectCommand({ Bucket: this.bucket, Key: destinationKey, CopySource, MetadataDirective: 'COPY' }), {
        signal: abortSignal,
      }),
    );
  }

  publicUrl(key: string): string | undefined {
    assertValidKey(key);
    const base = this.options.s3.publicUrl;
    return base === undefined ? undefined : `${base}/${encodeKey(key)}`;
  }

  async signedUrl(key: string, options: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    return this.send(key, undefined, () =>
      presignGet(this.client, this.bucket, key, options.expiresIn ?? this.options.signedUrlTtl, options.contentDisposition),
    );
  }

  async presignedPost(key: string, options: PresignedPostOptions): Promise<PresignedPost> {
    assertValidKey(key);
    return this.send(key, undefined, () => presignPost(this.client, this.bucket, key, options));
  }

  async close(): Promise<void> {
    this.direct?.close();
    if (this.ownsClient) this.client.destroy();
  }
}

/** After `get` returns, the caller's abort still ends the body stream (and frees the socket). */
function destroyOnAbort(body: Readable, signal: AbortSignal | undefined, key: string): void {
  if (!signal) return;
  const onAbort = () => body.destroy(abortedError(signal, key));
  signal.addEventListener('abort', onAbort, { once: true });
  body.once('close', () => signal.removeEventListener('abort', onAbort));
}
