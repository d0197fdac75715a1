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
import ipaddr from 'ipaddr.js';
import { redactUrl } from './redact-url.js';

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

/**
 * Which peers may say where a request came from (X-Forwarded-For) and what it is called
 * (X-Request-Id): none (`false`), any (`true`), the nearest `n` hops, or the listed addresses,
 * CIDR ranges and names (`loopback`, `linklocal`, `uniquelocal`). Fastify's `trustProxy` forms.
 */
export type TrustProxy = boolean | number | readonly string[];

/** The web server's limits on its clients (README, "Timeouts"), and which proxies it believes. */
export interface HttpConfig {
  /** Milliseconds for a request's headers to arrive. */
  readonly headersTimeoutMs: number;
  /** Milliseconds for a whole request, headers and body, to arrive. */
  readonly requestTimeoutMs: number;
  /** Milliseconds from a request's arrival until its answer has been taken in full (a slow reader is cut). */
  readonly responseTimeoutMs: number;
  /** Milliseconds a socket may stay silent while the server waits on its client. */
  readonly idleTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection is kept open for the next request. */
  readonly keepAliveTimeoutMs: number;
  readonly trustProxy: TrustProxy;
}

/** Who may read /metrics (http/metrics-access.ts). */
export interface MetricsConfig {
  /** The Bearer token /metrics requires when set; a secret, never logged. */
  readonly token: string | undefined;
  /** A listener of its own for /metrics, which is then not served on PORT. */
  readonly port: number | undefined;
  /** Where that listener binds. */
  readonly host: string;
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
  /** scrypt's cost as log2 N for password hashes (17: OWASP's minimum); older hashes are re-hashed at log-in. */
  readonly passwordHashCost: number;
  /** Sign-ups one client address (an IPv4 address, an IPv6 /64) may make in an hour (tenancy/signup-throttle.ts). */
  readonly signUpsPerHour: number;
  /** Lifetime of signed URLs, in seconds. */
  readonly signedUrlTtl: number;
  /** Create the bucket (and its public policy when S3_PUBLIC_URL is set) on start. */
  readonly storageAutoInit: boolean;
  readonly media: MediaConfig;
  readonly fallback: FallbackConfig;
  readonly http: HttpConfig;
  readonly metrics: MetricsConfig;
  /**
   * libuv's thread pool size (UV_THREADPOOL_SIZE, which Node itself reads; 4 by default): the
   * upload decodes are sized to leave some of it free (media/decode-slots.ts). Read, never set.
   */
  readonly threadPoolSize: number;
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

/**
 * A bad configuration value: the message is one line naming the variable and what is expected.
 * `got` is printed as given: a secret's value (SECRET_KEY, the S3 keys, METRICS_TOKEN) is never
 * passed, and a URL only through {@link redactUrl}.
 */
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
  if (/^(?:1|true|yes|on)$/i.test(value)) return true;
  if (/^(?:0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(name, 'must be true or false', value);
}

/**
 * An absolute URL. A bad value is shown with its password and secret query parameters masked
 * (`postgress://user:***@db/x`). A base URL (`credentials: false`: S3_ENDPOINT, S3_PUBLIC_URL,
 * APP_URL) may hold no `user:password@` at all: nothing would use it, and doctor and the logs
 * print these URLs.
 */
function url(env: Env, names: string[], protocols: string[], options: { credentials: boolean }): string | undefined {
  const { name, value } = pick(env, ...names);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute URL such as ${protocols[0]}//host:port`, redactUrl(value));
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')}`, redactUrl(value));
  }
  if (!options.credentials && (parsed.username !== '' || parsed.password !== '')) {
    const instead = name === 'APP_URL' ? '' : ' (the S3 keys go in S3_ACCESS_KEY and S3_SECRET_KEY)';
    throw new ConfigError(name, `must not contain a user name or password${instead}`, redactUrl(value));
  }
  // Trailing slashes off; the lookbehind lets a match start only where a run of slashes does, so it stays linear.
  return value.replace(/(?<!\/)\/+$/, '');
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
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function mediaConfig(env: Env): MediaConfig {
  const allowedTypes = list(env, 'ALLOWED_IMAGE_TYPES', DEFAULT_IMAGE_TYPES).map((t) => t.toLowerCase());
  const unknown = allowedTypes.find((t) => !(IMAGE_MIME_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined || allowedTypes.length === 0) {
    throw new ConfigError('ALLOWED_IMAGE_TYPES', `must be a comma-separated list of ${IMAGE_MIME_TYPES.join(', ')}`, unknown ?? '');
  }
  const widths = list(env, 'IMAGE_VARIANT_WIDTHS', '160,480,1200');
  if (widths.length === 0 || widths.some((w) => !/^\d{1,5}$/.test(w) || Number(w) < 16 || Number(w) > 4096)) {
    throw new ConfigError(
      'IMAGE_VARIANT_WIDTHS',
      'must be a comma-separated list of widths in pixels between 16 and 4096',
      widths.join(','),
    );
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
  const mode = /^(?:1|true|yes|on|inline)$/i.test(value)
    ? 'inline'
    : /^(?:0|false|no|off)$/i.test(value)
      ? 'off'
      : /^process$/i.test(value)
        ? 'process'
        : undefined;
  if (mode === undefined) throw new ConfigError('JOBS', 'must be inline, process or off', value);
  if (mode === 'process' && databaseUrl === undefined) {
    throw new ConfigError(
      'JOBS',
      'can be process only with DATABASE_URL (the embedded database belongs to one process); use inline',
      value,
    );
  }
  return mode;
}

/** log2 of scrypt's N: 14 is the least that is still a real cost (tests), 18 takes 256 MiB per hash, the most a hash may (password.ts). */
function passwordHashCost(env: Env): number {
  const cost = integer(env, ['PASSWORD_HASH_COST'], 17, 14, 'log2 N (scrypt cost)');
  if (cost > 18)
    throw new ConfigError('PASSWORD_HASH_COST', 'must be between 14 and 18 (log2 of scrypt N; 17 is the default)', String(cost));
  return cost;
}

/** Generous for a 2 MiB upload from a phone (2 MiB at 256 kbit/s takes 66 s); a stalled socket goes far sooner. */
function httpConfig(env: Env): HttpConfig {
  const requestTimeoutMs = integer(env, ['HTTP_REQUEST_TIMEOUT_MS'], 120_000, 1, 'milliseconds');
  const headersTimeoutMs = integer(env, ['HTTP_HEADERS_TIMEOUT_MS'], Math.min(20_000, requestTimeoutMs), 1, 'milliseconds');
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_MS',
      `must not be longer than HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
      String(headersTimeoutMs),
    );
  }
  // The request's own time plus a minute for the server's work (a store put waits up to 30 s) and the answer.
  const responseTimeoutMs = integer(env, ['HTTP_RESPONSE_TIMEOUT_MS'], requestTimeoutMs + 60_000, 1, 'milliseconds');
  if (responseTimeoutMs < requestTimeoutMs) {
    throw new ConfigError(
      'HTTP_RESPONSE_TIMEOUT_MS',
      `must not be shorter than HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
      String(responseTimeoutMs),
    );
  }
  return Object.freeze({
    headersTimeoutMs,
    requestTimeoutMs,
    responseTimeoutMs,
    idleTimeoutMs: integer(env, ['HTTP_IDLE_TIMEOUT_MS'], 30_000, 1, 'milliseconds'),
    // Above the 60 s idle timeout of common load balancers (AWS ALB, nginx), so they close first.
    keepAliveTimeoutMs: integer(env, ['HTTP_KEEPALIVE_TIMEOUT_MS'], 72_000, 1, 'milliseconds'),
    trustProxy: trustProxy(env),
  });
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(env: Env): TrustProxy {
  const { value } = pick(env, 'TRUST_PROXY');
  if (value === undefined) return false;
  if (/^(?:true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^\d{1,3}$/.test(value)) return Number(value) === 0 ? false : Number(value);
  const entries = value.length > 4096 ? [] : value.split(',').map((v) => v.trim().toLowerCase());
  const bad = entries.find((entry) => !isProxyEntry(entry));
  if (entries.length === 0 || bad !== undefined) {
    throw new ConfigError(
      'TRUST_PROXY',
      'must be true, false, a number of proxy hops, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal',
      bad ?? value.slice(0, 64),
    );
  }
  return Object.freeze(entries);
}

function isProxyEntry(entry: string): boolean {
  if (entry.length > 64) return false;
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', bits, extra] = entry.split('/');
  // Four-part IPv4 only: ipaddr.js would also take 127.1 or 0x7f.1, which nobody means here.
  if (extra !== undefined || !(ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address))) return false;
  return bits === undefined || ipaddr.isValidCIDR(entry);
}

/** libuv takes 1 to 1024 threads. */
function threadPoolSize(env: Env): number {
  const size = integer(env, ['UV_THREADPOOL_SIZE'], 4, 1, 'threads');
  if (size > 1024)
    throw new ConfigError('UV_THREADPOOL_SIZE', 'must be between 1 and 1024 (libuv thread pool threads; 4 is the default)', String(size));
  return size;
}

function metricsConfig(env: Env, port: number): MetricsConfig {
  const token = pick(env, 'METRICS_TOKEN').value;
  // Never echoed: the token is a secret.
  if (token !== undefined && (token.length < 16 || token.length > 256 || !/^[\x21-\x7e]+$/.test(token))) {
    throw new ConfigError('METRICS_TOKEN', 'must be 16 to 256 visible ASCII characters without spaces (e.g. `openssl rand -hex 32`)');
  }
  const metricsPort = pick(env, 'METRICS_PORT').value === undefined ? undefined : integer(env, ['METRICS_PORT'], 0, 1, 'a TCP port');
  if (metricsPort !== undefined && (metricsPort > 65535 || metricsPort === port)) {
    throw new ConfigError('METRICS_PORT', `must be a TCP port between 1 and 65535 other than PORT (${port})`, String(metricsPort));
  }
  return Object.freeze({ token, port: metricsPort, host: pick(env, 'METRICS_HOST').value ?? '127.0.0.1' });
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses and validates the environment; throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: Env = {}): Config {
  const databaseUrl = url(env, ['DATABASE_URL'], ['postgres:', 'postgresql:'], { credentials: true });
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

  const endpoint = url(env, ['S3_ENDPOINT'], ['http:', 'https:'], { credentials: false });
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
    publicUrl: url(env, ['S3_PUBLIC_URL', 'CDN_URL'], ['http:', 'https:'], { credentials: false }),
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
  const appUrl =
    url(env, ['APP_URL'], ['http:', 'https:'], { credentials: false }) ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

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
    passwordHashCost: passwordHashCost(env),
    signUpsPerHour: integer(env, ['SIGNUPS_PER_HOUR'], 10, 1, 'sign-ups'),
    signedUrlTtl: integer(env, ['SIGNED_URL_TTL'], 3600, 1, 'seconds'),
    storageAutoInit: boolean(env, 'STORAGE_AUTO_INIT', true),
    media: mediaConfig(env),
    fallback: Object.freeze({
      maxSpoolBytes: integer(env, ['SPOOL_MAX_BYTES'], 1024 * 1024 * 1024, 0, 'bytes'),
      breakerFailures: integer(env, ['S3_BREAKER_FAILURES'], 3, 1, 'failures'),
      breakerOpenMs: integer(env, ['S3_BREAKER_OPEN_MS'], 5000, 100, 'milliseconds'),
    }),
    http: httpConfig(env),
    metrics: metricsConfig(env, port),
    threadPoolSize: threadPoolSize(env),
    jobs: jobsMode(env, databaseUrl),
    demoData: oneOf<DemoData>(env, 'DEMO_DATA', ['auto', 'on', 'off'], 'auto'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  });
}
