/**
 * The storage driver for S3 and S3-compatible servers (AWS, MinIO, Ceph RGW, Spaces, R2). The
 * facade (`Store`, ../store.ts) has already checked keys, aborts and known sizes; this file only
 * talks to S3: every request is `client.send(command, { abortSignal })`, and every failure
 * leaves as a StorageError with the SDK's error as `cause` (map-s3-error.ts).
 *
 * @example
 *   const store = new Store(new S3Driver({ s3: config.s3, logger }));
 *   await store.put(key, bytes, { contentType: 'image/webp', cacheControl: 'public, max-age=31536000, immutable' });
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type {
  DeleteManyResult,
  GetOptions,
  GetResult,
  HeadResult,
  ListOptions,
  ListPage,
  PresignedPost,
  PresignedPostOptions,
  PutOptions,
  PutResult,
  SignalOption,
  StorageDriver,
  StoreCapabilities,
} from '../object-store.js';
import { StorageError, isStorageError } from '../storage-error.js';
import { sha256Hex } from '../stream-meter.js';
import { mapS3Error, s3ErrorName, type S3ErrorContext } from './map-s3-error.js';
import { createS3Client, describeEndpoint } from './s3-client.js';
import { deleteBatch } from './s3-delete-many.js';
import { parseContentRange } from './s3-content-range.js';
import { presignGet, presignPost, type PresignGetOptions } from './s3-presign.js';
import { putBytes, putLongStream, putShortStream, type PutContext } from './s3-put.js';

export interface S3DriverOptions {
  s3: S3Config;
  logger?: Logger | undefined;
  /** A client to use instead of one made from `s3`; the caller keeps ownership (close() leaves it open). */
  client?: S3Client | undefined;
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

export class S3Driver implements StorageDriver {
  readonly name = 's3' as const;
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly endpoint: string;

  constructor(private readonly options: S3DriverOptions) {
    this.client = options.client ?? createS3Client(options.s3, options.logger);
    this.ownsClient = options.client === undefined;
    this.location = `s3://${options.s3.bucket}`;
    this.endpoint = describeEndpoint(options.s3);
    this.capabilities = {
      presignedGet: true,
      presignedPost: true,
      publicUrl: options.s3.publicUrl !== undefined,
      sha256OnWrite: 'probe',
      deleteBatchSize: 1000,
    };
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
    };
  }

  /** Runs one request, mapping every failure (and the caller's abort) to a StorageError. */
  private async send<T>(key: string | undefined, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw mapS3Error(err, this.errors(key, signal));
    }
  }

  put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    const ctx = this.putContext(key, options.signal);
    if (body instanceof Uint8Array) return putBytes(ctx, body, options);
    const { contentLength } = options;
    if (contentLength !== undefined && contentLength <= ctx.partSize) return putShortStream(ctx, body, { ...options, contentLength });
    return putLongStream(ctx, body, options);
  }

  async get(key: string, options: GetOptions): Promise<GetResult> {
    const { range, signal } = options;
    const Range = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
    let out;
    try {
      out = await this.send(key, signal, () =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range }), { abortSignal: signal }),
      );
    } catch (err) {
      // A range starting past the end (416 InvalidRange) means there is nothing there to read.
      const cause = (err as StorageError).cause;
      if (s3ErrorName(cause) === 'InvalidRange') {
        throw new StorageError('ObjectNotFound', `Range ${Range} is past the end of object ${JSON.stringify(key)}.`, { cause, key });
      }
      throw err;
    }
    const contentLength = out.ContentLength ?? 0;
    const returned = parseContentRange(out.ContentRange);
    return {
      key,
      body: out.Body as Readable,
      contentLength,
      totalSize: returned?.total ?? contentLength,
      // A range covering the whole object may come back as a plain 200: report what was asked.
      range: range ? (returned ?? { start: 0, end: Math.max(0, contentLength - 1) }) : undefined,
      ...described(out),
    };
  }

  async head(key: string, options: SignalOption): Promise<HeadResult> {
    const { signal } = options;
    const out = await this.send(key, signal, () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal }),
    );
    return {
      key,
      size: out.ContentLength ?? 0,
      ...described(out),
    };
  }

  async delete(key: string, options: SignalOption): Promise<void> {
    const { signal } = options;
    // S3 answers 204 for a missing key too, so a delete is idempotent by itself.
    await this.send(key, signal, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal }),
    );
  }

  deleteBatch(keys: string[], options: SignalOption): Promise<DeleteManyResult> {
    return deleteBatch(this.client, keys, this.errors(undefined, options.signal));
  }

  async list(prefix: string, options: ListOptions & { limit: number }): Promise<ListPage> {
    const { signal } = options;
    const command = new ListObjectsV2Command({
      Bucket: this.bucket,
      Prefix: prefix === '' ? undefined : prefix,
      MaxKeys: options.limit,
      ContinuationToken: options.token,
    });
    const out = await this.send(undefined, signal, () => this.client.send(command, { abortSignal: signal }));
    const objects = (out.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0, lastModified: o.LastModified, etag: o.ETag }));
    return { objects, nextToken: out.IsTruncated ? out.NextContinuationToken : undefined };
  }

  /** Puts a few bytes under a wrong sha256: a server that checks the signed payload hash refuses them. */
  async probeSha256OnWrite(options: SignalOption): Promise<boolean> {
    const { signal } = options;
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

  presignGet(key: string, options: PresignGetOptions): Promise<string> {
    return this.send(key, undefined, () => presignGet(this.client, this.bucket, key, options));
  }

  presignPost(key: string, options: PresignedPostOptions & { expiresIn: number }): Promise<PresignedPost> {
    return this.send(key, undefined, () => presignPost(this.client, this.bucket, key, options));
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }
}

/** What a GET and a HEAD answer both say about the object. */
function described(out: HeadObjectCommandOutput): Omit<HeadResult, 'key' | 'size'> {
  return {
    contentType: out.ContentType,
    cacheControl: out.CacheControl,
    contentDisposition: out.ContentDisposition,
    metadata: out.Metadata ?? {},
    etag: out.ETag,
    lastModified: out.LastModified,
  };
}
