/**
 * One frozen, typed configuration, parsed from the environment once at start-up and passed
 * in to whatever needs it. No other module reads `process.env`.
 *
 * The first app's variable names are the primary ones; the second app's names are accepted
 * as aliases (design.md, "Configuration").
 *
 * @example
 *   const config = loadConfig(process.env);   // throws ConfigError naming the bad variable
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';

export type StorageDriverName = 's3' | 'local';
export type ChecksumMode = 'WHEN_REQUIRED' | 'WHEN_SUPPORTED';

export interface S3Config {
  /** Custom endpoint (MinIO, Ceph RGW, Spaces, R2); undefined means AWS S3. */
  readonly endpoint: string | undefined;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  readonly bucket: string;
  readonly region: string;
  /** Public or CDN base URL for objects; undefined means signed URLs. */
  readonly publicUrl: string | undefined;
  /** Path-style addressing; defaults to true when an endpoint is set. */
  readonly forcePathStyle: boolean;
  /** Checksum calculation/validation; defaults to WHEN_REQUIRED for custom endpoints. */
  readonly checksumMode: ChecksumMode;
  /** Multipart part size in bytes (every part but the last has exactly this size). */
  readonly partSize: number;
  /** Attempts per request, including the first (retries with backoff on 5xx, SlowDown, network). */
  readonly maxAttempts: number;
  /** Milliseconds to establish a connection. */
  readonly connectTimeoutMs: number;
  /** Milliseconds a socket may stay idle during a request. */
  readonly requestTimeoutMs: number;
}

/** What happens to uploaded images (see media/). */
export interface MediaConfig {
  /** Sniffed MIME types accepted for upload. */
  readonly allowedTypes: readonly string[];
  /** Make the resized WebP variants; off keeps only the normalised original. */
  readonly variants: boolean;
  /** Widths of the variants, ascending. */
  readonly variantWidths: readonly number[];
  /** Largest accepted width × height of an upload. */
  readonly maxPixels: number;
  /** Images processed at once by this instance's worker. */
  readonly workers: number;
}

export type DemoData = 'auto' | 'on' | 'off';
export type JobsMode = 'inline' | 'process' | 'off';

/** The S3 outage fallback (storage/fallback/). */
export interface FallbackConfig {
  /** Bytes the fallback spool may hold; 0 switches the spool off (uploads then fail with S3). */
  readonly maxSpoolBytes: number;
  /** Consecutive failed S3 calls that open the circuit breaker. */
  readonly breakerFailures: number;
  /** Milliseconds the breaker stays open before S3 is probed again. */
  readonly breakerOpenMs: number;
}

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly storageDriver: StorageDriverName;
  readonly s3: S3Config;
  /** Bytes per uploaded file. */
  readonly maxUploadSize: number;
  readonly port: number;
  readonly host: string;
  /** Base URL people and browsers reach the app at (app-served media URLs are built on it). */
  readonly appUrl: string;
  /** HMAC key for sessions and app-served signed URLs; undefined means one kept in DATA_DIR. */
  readonly secretKey: string | undefined;
  /** Lifetime of signed URLs, in seconds. */
  readonly signedUrlTtl: number;
  /** Create the bucket (and its public policy when S3_PUBLIC_URL is set) on start. */
  readonly storageAutoInit: boolean;
  readonly media: MediaConfig;
  readonly fallback: FallbackConfig;
  /**
   * Where this instance's background work (image processing, purges, spool replication) runs:
   * `inline` in the web process, `process` in a child process at a lower CPU priority (so
   * image processing never slows requests down; needs DATABASE_URL), or `off`.
   */
  readonly jobs: JobsMode;
  /** A demo tenant with sample products on first start: `auto` = only on the embedded default. */
  readonly demoData: DemoData;
  readonly logLevel: string;
}

/** A bad configuration value: the message is one line naming the variable and what is expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    expected: string,
    got?: string,
  ) {
    super(`${variable} ${expected}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** The first name that is set and not blank, with the name it was found under. */
function pick(env: Env, ...names: string[]): { name: string; value: string | undefined } {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return { name: names[0]!, value: undefined };
}

function integer(env: Env, names: string[], fallback: number, min: number, unit: string): number {
  const { name, value } = pick(env, ...names);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new ConfigError(name, `must be a whole number of ${unit}, at least ${min}`, value);
  }
  return Number(value);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const { value } = pick(env, name);
  if (value === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(name, 'must be true or false', value);
}

function url(env: Env, names: string[], protocols: string[]): string | undefined {
  const { name, value } = pick(env, ...names);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute URL such as ${protocols[0]}//host:port`, value);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')}`, value);
  }
  return value.replace(/\/+$/, '');
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const { value } = pick(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

/** The upload types the pipeline can decode and store (media/media-types.ts). */
const IMAGE_MIME_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif'] as const;
const DEFAULT_IMAGE_TYPES = 'image/jpeg,image/png,image/gif,image/webp';

function list(env: Env, name: string, fallback: string): string[] {
  const value = pick(env, name).value ?? fallback;
  return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

function mediaConfig(env: Env): MediaConfig {
  const allowedTypes = list(env, 'ALLOWED_IMAGE_TYPES', DEFAULT_IMAGE_TYPES).map((t) => t.toLowerCase());
  const unknown = allowedTypes.find((t) => !(IMAGE_MIME_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined || allowedTypes.length === 0) {
    throw new ConfigError('ALLOWED_IMAGE_TYPES', `must be a comma-separated list of ${IMAGE_MIME_TYPES.join(', ')}`, unknown ?? '');
  }
  const widths = list(env, 'IMAGE_VARIANT_WIDTHS', '160,480,1200');
  if (widths.length === 0 || widths.some((w) => !/^\d{1,5}$/.test(w) || Number(w) < 16 || Number(w) > 4096)) {
    throw new ConfigError('IMAGE_VARIANT_WIDTHS', 'must be a comma-separated list of widths in pixels between 16 and 4096', widths.join(','));
  }
  return Object.freeze({
    allowedTypes: Object.freeze(allowedTypes),
    variants: boolean(env, 'IMAGE_VARIANTS', true),
    variantWidths: Object.freeze([...new Set(widths.map(Number))].sort((a, b) => a - b)),
    maxPixels: integer(env, ['MAX_IMAGE_PIXELS'], 40_000_000, 1, 'pixels'),
    // One core stays free for requests while images are processed on the others.
    workers: integer(env, ['IMAGE_WORKERS'], Math.max(1, availableParallelism() - 1), 1, 'workers'),
  });
}

function jobsMode(env: Env, databaseUrl: string | undefined): JobsMode {
  const { value } = pick(env, 'JOBS');
  // An embedded database belongs to one process, so the work runs beside the web server.
  const fallback: JobsMode = databaseUrl === undefined ? 'inline' : 'process';
  if (value === undefined) return fallback;
  const mode = /^(1|true|yes|on|inline)$/i.test(value) ? 'inline' : /^(0|false|no|off)$/i.test(value) ? 'off' : /^process$/i.test(value) ? 'process' : undefined;
  if (mode === undefined) throw new ConfigError('JOBS', 'must be inline, process or off', value);
  if (mode === 'process' && databaseUrl === undefined) {
    throw new ConfigError('JOBS', 'can be process only with DATABASE_URL (the embedded database belongs to one process); use inline', value);
  }
  return mode;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses and validates the environment; throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: Env = {}): Config {
  const databaseUrl = url(env, ['DATABASE_URL'], ['postgres:', 'postgresql:']);
  const dataDir = path.resolve(pick(env, 'DATA_DIR').value ?? './data');

  const bucketSetting = pick(env, 'S3_BUCKET', 'S3_BUCKET_NAME');
  const bucket = bucketSetting.value ?? 'uploads';
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigError(bucketSetting.name, 'must be a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)', bucket);
  }
  const storageDriver = oneOf<StorageDriverName>(
    env,
    'STORAGE_DRIVER',
    ['s3', 'local'],
    bucketSetting.value !== undefined ? 's3' : 'local',
  );

  const endpoint = url(env, ['S3_ENDPOINT'], ['http:', 'https:']);
  const accessKey = pick(env, 'S3_ACCESS_KEY', 'AWS_ACCESS_KEY_ID');
  const secretKey = pick(env, 'S3_SECRET_KEY', 'AWS_SECRET_ACCESS_KEY');
  if ((accessKey.value === undefined) !== (secretKey.value === undefined)) {
    const missing = accessKey.value === undefined ? accessKey.name : secretKey.name;
    throw new ConfigError(missing, 'must be set together with its pair (S3_ACCESS_KEY and S3_SECRET_KEY)');
  }
  const region = pick(env, 'S3_REGION', 'AWS_REGION').value ?? 'us-east-1';
  if (!/^[a-z0-9-]+$/.test(region)) throw new ConfigError('S3_REGION', 'must be a region name such as us-east-1', region);

  const s3: S3Config = Object.freeze({
    endpoint,
    accessKeyId: accessKey.value,
    secretAccessKey: secretKey.value,
    bucket,
    region,
    publicUrl: url(env, ['S3_PUBLIC_URL', 'CDN_URL'], ['http:', 'https:']),
    forcePathStyle: boolean(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
    checksumMode: oneOf<ChecksumMode>(
      env,
      'S3_CHECKSUM_MODE',
      ['WHEN_REQUIRED', 'WHEN_SUPPORTED'],
      endpoint !== undefined ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    ),
    partSize: integer(env, ['S3_PART_SIZE'], 8 * 1024 * 1024, 5 * 1024 * 1024, 'bytes (S3 parts are at least 5 MiB)'),
    maxAttempts: integer(env, ['S3_MAX_ATTEMPTS'], 3, 1, 'attempts'),
    connectTimeoutMs: integer(env, ['S3_CONNECT_TIMEOUT_MS'], 3000, 1, 'milliseconds'),
    requestTimeoutMs: integer(env, ['S3_REQUEST_TIMEOUT_MS'], 30000, 1, 'milliseconds'),
  });

  const port = integer(env, ['PORT'], 3000, 0, 'a TCP port');
  if (port > 65535) throw new ConfigError('PORT', 'must be a TCP port between 0 and 65535', String(port));
  const host = pick(env, 'HOST').value ?? '127.0.0.1';
  const appUrl = url(env, ['APP_URL'], ['http:', 'https:']) ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const secret = pick(env, 'SECRET_KEY').value;
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('SECRET_KEY', 'must be at least 32 characters long (e.g. `openssl rand -hex 32`)');
  }

  return Object.freeze({
    databaseUrl,
    dataDir,
    storageDriver,
    s3,
    maxUploadSize: integer(env, ['MAX_UPLOAD_SIZE'], 2 * 1024 * 1024, 1, 'bytes'),
    port,
    host,
    appUrl,
    secretKey: secret,
    signedUrlTtl: integer(env, ['SIGNED_URL_TTL'], 3600, 1, 'seconds'),
    storageAutoInit: boolean(env, 'STORAGE_AUTO_INIT', true),
    media: mediaConfig(env),
    fallback: Object.freeze({
      maxSpoolBytes: integer(env, ['SPOOL_MAX_BYTES'], 1024 * 1024 * 1024, 0, 'bytes'),
      breakerFailures: integer(env, ['S3_BREAKER_FAILURES'], 3, 1, 'failures'),
      breakerOpenMs: integer(env, ['S3_BREAKER_OPEN_MS'], 5000, 100, 'milliseconds'),
    }),
    jobs: jobsMode(env, databaseUrl),
    demoData: oneOf<DemoData>(env, 'DEMO_DATA', ['auto', 'on', 'off'], 'auto'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  });
}
