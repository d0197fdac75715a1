/**
 * The one place an `S3Client` is configured, with provider-aware defaults: AWS S3 when no
 * endpoint is set, any S3-compatible server (MinIO, Ceph RGW, DigitalOcean Spaces, R2) otherwise.
 *
 * @example
 *   const client = createS3Client(config.s3);
 *   try { await client.send(new HeadBucketCommand({ Bucket: config.s3.bucket }), { abortSignal: signal }); }
 *   finally { client.destroy(); }
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3Config } from '../../config.js';
import type { Logger } from '../../logger.js';

/**
 * Sockets per agent. The Node default (Infinity, no keep-alive) opens a new TCP connection per
 * request; a bounded keep-alive pool reuses them and still allows parallel multipart parts,
 * deletes and variant uploads from many concurrent requests.
 */
const MAX_SOCKETS = 64;

export function createS3Client(s3: S3Config, logger?: Logger): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS };
  const sdkLogger = sdkLoggerFor(logger);
  const config: S3ClientConfig = {
    logger: sdkLogger,
    region: s3.region,
    maxAttempts: s3.maxAttempts,
    // Standard mode retries 5xx, SlowDown/throttling and transient network errors with
    // exponential backoff and a retry quota (so an outage does not multiply the load).
    retryMode: 'standard',
    // Since early 2025 the SDK sends CRC32 checksums with `aws-chunked` bodies by default;
    // Ceph RGW, R2, B2 and older MinIO answer a streamed PutObject with 411
    // MissingContentLength. WHEN_REQUIRED only adds checksums where the API demands one.
    requestChecksumCalculation: s3.checksumMode,
    responseChecksumValidation: s3.checksumMode,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: s3.connectTimeoutMs,
      // `socketTimeout` is the idle timeout: a large upload may take minutes, but a socket
      // that moves no byte for this long is dead.
      socketTimeout: s3.requestTimeoutMs,
      // Agent *options*, not instances: with an agent of its own the handler waits for
      // `100 Continue` on bodies ≥ 2 MiB (the SDK's Expect threshold), so a refused put
      // (NoSuchBucket, 403) is read as such instead of failing as EPIPE mid-body.
      httpAgent: agentOptions,
      httpsAgent: agentOptions,
      logger: sdkLogger,
    }),
  };
  if (s3.endpoint !== undefined) {
    config.endpoint = s3.endpoint;
    // Custom endpoints rarely have wildcard DNS/TLS for `bucket.host`; path style always works.
    config.forcePathStyle = s3.forcePathStyle;
  } else if (s3.forcePathStyle) {
    config.forcePathStyle = true;
  }
  // Without explicit keys the SDK's default chain applies (env, shared files, SSO, IMDS/ECS roles).
  if (s3.accessKeyId !== undefined && s3.secretAccessKey !== undefined) {
    config.credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  }
  return new S3Client(config);
}

/**
 * The SDK's own warnings (socket pool exhausted, a failed streaming request is not retried)
 * go to our logger; without one the SDK would write them to the console. Its info/debug
 * lines echo command inputs and are dropped.
 *
 * There is no `info` at all: the SDK's logger middleware calls `logger?.info?.({ input:
 * filter(input), output: filter(output) })` after every command, and building those filtered
 * copies (a walk over the operation's schema) cost about 0.05-0.1 ms of CPU per request only to
 * be thrown away. The SDK only ever calls `info` that way (optionally), so leaving it out drops
 * exactly those lines and their cost.
 */
function sdkLoggerFor(logger: Logger | undefined): S3ClientConfig['logger'] {
  const none = () => undefined;
  const sdkLogger = {
    trace: none,
    debug: none,
    warn: (...args: unknown[]) => {
      const message = args.map(String).join(' ');
      // Every refused or aborted streamed put triggers this one; our own error says more.
      if (message.includes('non-retryable streaming request')) logger?.debug({ source: 'aws-sdk' }, message);
      else logger?.warn({ source: 'aws-sdk' }, message);
    },
    // The SDK logs every failed command here as an object (its input included). Each failure
    // also reaches our caller as a StorageError, which says more, so this is debug detail.
    error: (...args: unknown[]) => {
      const entry = args[0] as { commandName?: unknown; error?: { name?: unknown } } | undefined;
      if (typeof entry === 'object' && entry !== null)
        logger?.debug({ source: 'aws-sdk', command: entry.commandName, error: entry.error?.name }, 'S3 command failed');
      else logger?.debug({ source: 'aws-sdk' }, args.map(String).join(' '));
    },
  };
  return sdkLogger as unknown as S3ClientConfig['logger'];
}

/** Where the store is, for people and error messages (never includes credentials). */
export function describeEndpoint(s3: Pick<S3Config, 'endpoint' | 'region'>): string {
  if (s3.endpoint === undefined) return `AWS S3 (${s3.region})`;
  const url = new URL(s3.endpoint);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/$/, '');
}
