/**
 * The three ways a put reaches S3, chosen by `S3Driver.put`:
 *
 *   bytes           one PutObject; our sha256 (or the caller's) doubles as the signed payload hash
 *   stream, short   one PutObject streaming through a StreamMeter (known length ≤ part size)
 *   stream, long    a lib-storage multipart Upload with equal-sized parts (unknown or larger length)
 *
 * Every path enforces `maxBytes` while streaming, returns the sha256 of the bytes sent and
 * leaves nothing behind on failure (no object, no open multipart upload).
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AbortMultipartUploadCommand, PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from '../../logger.js';
import type { PutOptions, PutResult } from '../object-store.js';
import { StorageError, abortedError } from '../storage-error.js';
import { StreamMeter, sha256Hex } from '../stream-meter.js';
import { mapS3Error, s3ErrorName, type S3ErrorContext } from './map-s3-error.js';
import { withSignedPayloadSha256 } from './signed-payload-sha256.js';

export interface PutContext {
  client: S3Client;
  bucket: string;
  key: string;
  partSize: number;
  /** Parts uploaded at once (lib-storage buffers each part in memory). */
  queueSize: number;
  errors: S3ErrorContext;
  logger: Logger | undefined;
}

function objectParams(ctx: PutContext, options: PutOptions): PutObjectCommandInput {
  // Never an ACL header: many buckets enforce "bucket owner" object ownership and refuse
  // ACLs (AWS default since 2023), and R2 ignores them; public access is a bucket policy.
  return {
    Bucket: ctx.bucket,
    Key: ctx.key,
    ContentType: options.contentType,
    CacheControl: options.cacheControl,
    ContentDisposition: options.contentDisposition,
    Metadata: options.metadata,
  };
}

/** One PutObject of bytes already in memory. */
export async function putBytes(ctx: PutContext, body: Uint8Array, options: PutOptions): Promise<PutResult> {
  const sha256 = options.sha256 ?? sha256Hex(body);
  // The payload is hashed once, by us (or the caller): the server checks the bytes it
  // received against that hash (XAmzContentSHA256Mismatch), and the SDK does not hash them again.
  const command = withSignedPayloadSha256(
    new PutObjectCommand({ ...objectParams(ctx, options), Body: body, ContentLength: body.byteLength }),
    sha256,
  );
  try {
    const out = await ctx.client.send(command, { abortSignal: options.signal });
    return { key: ctx.key, size: body.byteLength, sha256, etag: out.ETag };
  } catch (err) {
    throw mapS3Error(err, ctx.errors);
  }
}

/**
 * Feeds `body` through a meter into whatever consumes the meter, and remembers why the feed
 * failed: a limit (TooLarge), a length mismatch, the caller's abort, or the source itself.
 */
function meteredFeed(ctx: PutContext, body: Readable, options: PutOptions) {
  const meter = new StreamMeter({ maxBytes: options.maxBytes, expectedLength: options.contentLength, key: ctx.key });
  const state: { failure: StorageError | undefined } = { failure: undefined };
  const stop = new AbortController();
  const onAbort = () => {
    state.failure ??= abortedError(options.signal, ctx.key);
    meter.destroy(state.failure);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const fed = pipeline(body, meter).catch((err: unknown) => {
    state.failure ??=
      err instanceof StorageError
        ? err
        : new StorageError('Aborted', 'The upload stream failed before it ended.', { cause: err, key: ctx.key });
    stop.abort(state.failure);
  });
  const finish = async () => {
    options.signal?.removeEventListener('abort', onAbort);
    // The consumer may have given up early (S3 refused the request): release the source.
    if (!meter.writableFinished) meter.destroy();
    if (!body.destroyed && !body.readableEnded) body.destroy();
    await fed;
  };
  return { meter, state, stop: stop.signal, finish };
}

/** One PutObject whose body streams through the meter (the length is known and small). */
export async function putShortStream(ctx: PutContext, body: Readable, options: PutOptions & { contentLength: number }): Promise<PutResult> {
  const feed = meteredFeed(ctx, body, options);
  // Either the caller's abort or a failed feed tears the request down: `pipe` into the
  // socket does not forward a body error, so without this the request would hang.
  const signal = options.signal ? AbortSignal.any([options.signal, feed.stop]) : feed.stop;
  try {
    const out = await ctx.client.send(
      new PutObjectCommand({ ...objectParams(ctx, options), Body: feed.meter, ContentLength: options.contentLength }),
      { abortSignal: signal },
    );
    if (feed.state.failure) throw feed.state.failure;
    return { key: ctx.key, size: feed.meter.bytes, sha256: feed.meter.sha256(), etag: out.ETag };
  } catch (err) {
    throw feed.state.failure ?? mapS3Error(err, ctx.errors);
  } finally {
    await feed.finish();
  }
}

/**
 * A multipart upload with parts of exactly `partSize` bytes (R2 and some MinIO versions
 * refuse unequal parts). A failed feed errors the meter, which lib-storage reads: its own
 * clean-up then runs (AbortMultipartUpload, leavePartsOnError false) before `done()` rejects,
 * so nothing keeps running after `put` returns. `upload.abort()` would reject `done()` at
 * once while parts are still in flight, so we abort the multipart upload ourselves after.
 */
export async function putLongStream(ctx: PutContext, body: Readable, options: PutOptions): Promise<PutResult> {
  const feed = meteredFeed(ctx, body, options);
  const upload = new Upload({
    client: ctx.client,
    params: { ...objectParams(ctx, options), Body: feed.meter },
    partSize: ctx.partSize,
    queueSize: ctx.queueSize,
    leavePartsOnError: false,
  });
  try {
    const out = await upload.done();
    if (feed.state.failure) throw feed.state.failure;
    return { key: ctx.key, size: feed.meter.bytes, sha256: feed.meter.sha256(), etag: 'ETag' in out ? out.ETag : undefined };
  } catch (err) {
    await abortMultipart(ctx, upload.uploadId);
    throw feed.state.failure ?? mapS3Error(err, ctx.errors);
  } finally {
    await feed.finish();
  }
}

/** Makes sure no multipart upload stays open (and billed); a gone upload is fine. */
async function abortMultipart(ctx: PutContext, uploadId: string | undefined): Promise<void> {
  if (uploadId === undefined) return;
  try {
    await ctx.client.send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: ctx.key, UploadId: uploadId }));
  } catch (err) {
    if (s3ErrorName(err) === 'NoSuchUpload' || s3ErrorName(err) === 'NotFound') return;
    ctx.logger?.warn({ bucket: ctx.bucket, key: ctx.key, code: s3ErrorName(err) }, 'could not abort a failed multipart upload');
  }
}
