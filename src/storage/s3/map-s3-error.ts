/**
 * Turns whatever the AWS SDK or the network threw into a {@link StorageError} whose code says
 * what went wrong, keeping the original as `cause`. Messages name the setting to check
 * (S3_ACCESS_KEY, S3_SECRET_KEY, S3_ENDPOINT, S3_BUCKET) and never contain a secret.
 *
 * @example
 *   try { await client.send(command, { abortSignal: signal }); }
 *   catch (err) { throw mapS3Error(err, { endpoint: 'http://127.0.0.1:7490', bucket, key, signal }); }
 */
import { StorageError, abortedError, sha256MismatchError } from '../storage-error.js';

export interface S3ErrorContext {
  /** Endpoint as shown to people (see `describeEndpoint`). */
  endpoint: string;
  bucket: string;
  key?: string | undefined;
  /** The caller's signal: an abort it caused is `Aborted` whatever the SDK made of it. */
  signal?: AbortSignal | undefined;
}

/** errno codes of a connection that failed or broke before S3 answered. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

interface SdkLikeError {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

export function mapS3Error(err: unknown, ctx: S3ErrorContext): StorageError {
  if (err instanceof StorageError) return err;
  const { endpoint, bucket, key } = ctx;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkLikeError;
  const name = String(e.Code ?? e.name ?? '');
  const errno = typeof e.code === 'string' ? e.code : '';
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const make = (code: ConstructorParameters<typeof StorageError>[0], message: string) =>
    new StorageError(code, message, { cause: err, key });

  // The caller's abort wins over whatever the SDK made of the torn-down request.
  if (ctx.signal?.aborted) return abortedError(ctx.signal, key);
  if (name === 'AbortError') return make('Aborted', 'The storage operation was aborted.');

  switch (name) {
    case 'NoSuchKey':
      return make('ObjectNotFound', `Object ${JSON.stringify(key ?? '')} does not exist in bucket "${bucket}".`);
    case 'NoSuchBucket':
      return make('BucketMissing', `Bucket "${bucket}" does not exist at ${endpoint}; run \`vitrina storage init\` or check S3_BUCKET.`);
    case 'InvalidAccessKeyId':
      return make('BadCredentials', `The object store at ${endpoint} does not know this access key; check S3_ACCESS_KEY.`);
    case 'SignatureDoesNotMatch':
      return make('BadCredentials', `The object store at ${endpoint} rejected the request signature; check S3_SECRET_KEY.`);
    case 'XAmzContentSHA256Mismatch':
    case 'BadDigest':
      return sha256MismatchError(`The object store at ${endpoint}`, key ?? '', ` (${name})`, err);
    case 'AccessDenied':
    case 'AllAccessDisabled':
      return make(
        'AccessDenied',
        `The object store at ${endpoint} denied access to bucket "${bucket}"; check the bucket policy and the key's permissions.`,
      );
  }

  const message = typeof e.message === 'string' ? e.message : '';
  if (NETWORK_CODES.has(errno) || name === 'TimeoutError' || /socket hang up/i.test(message)) {
    return make(
      'StoreUnreachable',
      `The object store at ${endpoint} cannot be reached (${errno || name || 'network error'}); check S3_ENDPOINT and the network.`,
    );
  }

  // HEAD answers have no body, so the SDK only knows the status ("NotFound", "Forbidden").
  if (status === 404 && (name === 'NotFound' || name === 'NoSuchKey')) {
    return make('ObjectNotFound', `Object ${JSON.stringify(key ?? '')} does not exist in bucket "${bucket}".`);
  }
  if (status === 403) {
    return make(
      'AccessDenied',
      `The object store at ${endpoint} refused the request (403); check S3_ACCESS_KEY, S3_SECRET_KEY and the bucket policy.`,
    );
  }
  return make(
    'StoreError',
    `The object store at ${endpoint} answered with an unexpected error (${name || errno || 'unknown'}${status ? `, HTTP ${status}` : ''}).`,
  );
}

/** The S3 error code (`NoSuchKey`, `InvalidRange`…) or the error's name, '' for non-errors. */
export function s3ErrorName(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkLikeError;
  return String(e.Code ?? e.name ?? '');
}
