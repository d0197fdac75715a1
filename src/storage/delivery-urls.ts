/**
 * Every URL an object is reached by, made in one place from its key and what its store can do
 * (`store.capabilities`): drivers know neither the app's secret nor its base URL.
 *
 *   public      {publicBaseUrl}/{key}                      capabilities.publicUrl and S3_PUBLIC_URL set
 *   presigned   the driver's presignGet / presignPost      capabilities.presignedGet / presignedPost (S3)
 *   app-served  GET  {appUrl}/media/{key}?expires=UNIX[&disposition=…]&signature=MAC
 *               POST {appUrl}/media-upload   fields: key, Content-Type, policy, signature, then the file
 *
 * App-served links are signed with the app's per-purpose HMAC keys (tenancy/hmac.ts: `media-get`,
 * `media-upload`), the one scheme sessions and CSRF tokens use, so a signature made for one
 * purpose never passes as another. The signed data is a JSON array (no field can bleed into the
 * next). This format replaced an older one (issue 14): links made before it no longer verify,
 * which is harmless, as they expire within SIGNED_URL_TTL (upload forms within 10 minutes) and
 * every page render makes fresh ones.
 *
 * @example
 *   const urls = DeliveryUrls.fromConfig(config, secret);
 *   const src = urls.publicUrl(store, key) ?? (await urls.signedUrl(store, key));
 *   const form = await urls.uploadForm(store, key, { contentType: 'image/png', maxBytes: 2 << 20 });
 *   const check = urls.verifyMediaGet(key, request.query);   // in GET /media/*
 *   if (!check.ok) throw new AppError('Forbidden', check.message);
 */
import type { Config } from '../config.js';
import { hmac, purposeKey, sameMac } from '../tenancy/hmac.js';
import { assertValidKey, invalidKeyReason } from './keys.js';
import type { ObjectStore, PresignedPost, PresignedPostOptions, SignedUrlOptions } from './object-store.js';
import { encodeKey } from './s3/s3-presign.js';
import { StorageError, isStorageError } from './storage-error.js';

export interface DeliveryUrlsOptions {
  /** APP_URL: app-served links point at its `/media/…` and `/media-upload` routes. */
  appUrl: string;
  /** SECRET_KEY (or DATA_DIR/secret.key): the per-purpose signing keys are derived from it. */
  secret: string;
  /** Default lifetime of signed GET URLs, in seconds (SIGNED_URL_TTL). */
  signedUrlTtl: number;
  /** Public/CDN base in front of the bucket (S3_PUBLIC_URL); unset means no public URLs. */
  publicBaseUrl?: string | undefined;
  /** Milliseconds since the epoch (default `Date.now`): tests move it instead of waiting. */
  now?: () => number;
}

/** What a URL is made for: the store's capabilities, and its driver for presigning. */
export type DeliveryStore = Pick<ObjectStore, 'capabilities' | 'backend'>;

export type Verified<T> = { ok: true; value: T } | { ok: false; message: string };

/** A verified app-served GET. */
export interface MediaGrant {
  /** The signed Content-Disposition; undefined when none was signed. */
  disposition: string | undefined;
  /** Whole seconds the signature has left (rounded down, so a cache never keeps it past expiry). */
  maxAge: number;
}

/** What an app-served upload form allows. */
export interface UploadPolicy {
  key: string;
  contentType: string;
  /** Largest accepted file in bytes (the smallest is 1, as S3's content-length-range 1..max). */
  maxBytes: number;
  /** UNIX seconds. */
  expires: number;
}

/** Default lifetime of an upload form, in seconds. */
const UPLOAD_FORM_TTL = 600;
/** Longer than any real value: refused before a pattern or a decoder sees it. */
const MAX_EXPIRES_CHARS = 12;
const MAX_MAC_CHARS = 64;
const MAX_DISPOSITION_CHARS = 1024;
const MAX_POLICY_CHARS = 4096;
const MAX_CONTENT_TYPE_CHARS = 255;

export class DeliveryUrls {
  readonly signedUrlTtl: number;
  private readonly appUrl: string;
  private readonly publicBaseUrl: string | undefined;
  private readonly getKey: Buffer;
  private readonly uploadKey: Buffer;
  private readonly now: () => number;

  constructor(options: DeliveryUrlsOptions) {
    this.appUrl = withoutTrailingSlashes(options.appUrl);
    this.publicBaseUrl = options.publicBaseUrl === undefined ? undefined : withoutTrailingSlashes(options.publicBaseUrl);
    this.signedUrlTtl = positiveSeconds(options.signedUrlTtl, 'signedUrlTtl');
    this.getKey = purposeKey(options.secret, 'media-get');
    this.uploadKey = purposeKey(options.secret, 'media-upload');
    this.now = options.now ?? Date.now;
  }

  /** The app's delivery URLs as configured: APP_URL, SIGNED_URL_TTL, S3_PUBLIC_URL. */
  static fromConfig(config: Config, secret: string, now?: () => number): DeliveryUrls {
    return new DeliveryUrls({ appUrl: config.appUrl, secret, signedUrlTtl: config.signedUrlTtl, publicBaseUrl: config.s3.publicUrl, now });
  }

  /**
   * The object's public (CDN) URL, a string join; undefined unless the store's objects are
   * public there and a base is configured (then callers sign a URL instead).
   * @throws StorageError InvalidKey
   */
  publicUrl(store: DeliveryStore, key: string): string | undefined {
    assertValidKey(key);
    if (!store.capabilities.publicUrl || this.publicBaseUrl === undefined) return undefined;
    return `${this.publicBaseUrl}/${encodeKey(key)}`;
  }

  /**
   * A time-limited GET URL: the store's own presigned one, or the app's `/media/{key}` link.
   * Either way the response is `private`, cacheable by the browser only while the link is valid.
   * @throws StorageError InvalidKey | StoreError (expiresIn not whole seconds ≥ 1, disposition not printable ASCII)
   */
  async signedUrl(store: DeliveryStore, key: string, options: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const expiresIn = positiveSeconds(options.expiresIn ?? this.signedUrlTtl, 'expiresIn', key);
    const disposition = options.contentDisposition;
    // It becomes a response header: only printable ASCII is safe there (use filename*=UTF-8''…).
    if (disposition !== undefined && (disposition.length > MAX_DISPOSITION_CHARS || !/^[\x20-\x7e]*$/.test(disposition))) {
      throw new StorageError(
        'StoreError',
        `contentDisposition must be at most ${MAX_DISPOSITION_CHARS} printable ASCII characters; encode other file names with filename*=UTF-8''…`,
        { key },
      );
    }
    if (store.capabilities.presignedGet) {
      const presign = store.backend.presignGet?.bind(store.backend);
      if (presign === undefined) throw noPresigning(key, 'GET');
      // Pages reuse a signed URL for its first half (http/media/image-urls.ts): a browser's copy
      // is never kept past the signature, and no shared cache keeps the private image at all.
      const cacheControl = `private, max-age=${Math.floor(expiresIn / 2)}`;
      return presigned(key, () => presign(key, { expiresIn, contentDisposition: disposition, cacheControl }));
    }
    const expires = Math.floor(this.now() / 1000) + expiresIn;
    const query = new URLSearchParams({ expires: String(expires) });
    if (disposition !== undefined) query.set('disposition', disposition);
    query.set('signature', hmac(this.getKey, getPayload(key, expires, disposition)));
    return `${this.appUrl}/media/${encodeKey(key)}?${query.toString()}`;
  }

  /**
   * A form for a browser's direct upload to exactly `key`, of exactly `contentType`, 1..maxBytes
   * bytes: the store's presigned POST, or one for the app's `/media-upload` route (which takes
   * uploads into the configured store when that store cannot take them itself).
   * @throws StorageError InvalidKey (also a key ending in `${filename}`) | StoreError (bad type, size or lifetime)
   */
  async uploadForm(store: DeliveryStore, key: string, options: PresignedPostOptions): Promise<PresignedPost> {
    assertValidKey(key);
    // S3 would turn this into a starts-with condition: any key under the prefix.
    if (key.endsWith('${filename}')) throw new StorageError('InvalidKey', 'An upload form key must not end with ${filename}.', { key });
    const { contentType, maxBytes } = options;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
      throw new StorageError('StoreError', `maxBytes must be a whole number of bytes, at least 1 (got ${maxBytes}).`, { key });
    }
    if (!isMimeType(contentType)) {
      throw new StorageError('StoreError', `contentType ${JSON.stringify(contentType).slice(0, 80)} is not a valid MIME type.`, { key });
    }
    const expiresIn = positiveSeconds(options.expiresIn ?? UPLOAD_FORM_TTL, 'expiresIn', key);
    if (store.capabilities.presignedPost) {
      const presign = store.backend.presignPost?.bind(store.backend);
      if (presign === undefined) throw noPresigning(key, 'POST');
      return presigned(key, () => presign(key, { contentType, maxBytes, expiresIn }));
    }
    const policy: UploadPolicy = { key, contentType, maxBytes, expires: Math.floor(this.now() / 1000) + expiresIn };
    const encoded = Buffer.from(JSON.stringify(policy)).toString('base64url');
    return {
      url: `${this.appUrl}/media-upload`,
      fields: { key, 'Content-Type': contentType, policy: encoded, signature: hmac(this.uploadKey, encoded) },
    };
  }

  /**
   * Checks an app-served GET's query (`expires`, `signature`, optional `disposition`) for `key`:
   * the signature first, so an unsigned request learns nothing, then the expiry.
   */
  verifyMediaGet(key: string, query: unknown): Verified<MediaGrant> {
    const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
    const { expires, disposition, signature } = q;
    if (typeof expires !== 'string' || typeof signature !== 'string' || expires.length > MAX_EXPIRES_CHARS || !/^\d{1,12}$/.test(expires)) {
      return { ok: false, message: 'This media link is not signed; ask the app for a fresh link.' };
    }
    if (disposition !== undefined && (typeof disposition !== 'string' || disposition.length > MAX_DISPOSITION_CHARS)) {
      return { ok: false, message: 'This media link is malformed (disposition given twice, or too long).' };
    }
    const expected = hmac(this.getKey, getPayload(key, Number(expires), disposition));
    if (signature.length > MAX_MAC_CHARS || !sameMac(expected, signature)) {
      return { ok: false, message: 'The signature of this media link does not match; it was altered or made with another secret.' };
    }
    const now = this.now();
    const until = Number(expires) * 1000;
    if (now >= until) {
      return { ok: false, message: `This media link expired at ${new Date(until).toISOString()}; reload the page for a fresh one.` };
    }
    return { ok: true, value: { disposition, maxAge: Math.max(0, Number(expires) - Math.ceil(now / 1000)) } };
  }

  /**
   * Checks an upload form's fields (those sent before the file): the signature, the expiry, and
   * that `key` and `Content-Type` are exactly the ones the policy was made for.
   */
  verifyUpload(fields: Readonly<Record<string, string | undefined>>): Verified<UploadPolicy> {
    const { policy: encoded, signature } = fields;
    if (encoded === undefined || signature === undefined) {
      return { ok: false, message: 'The upload form has no policy or signature field; they must come before the file.' };
    }
    if (encoded.length > MAX_POLICY_CHARS || signature.length > MAX_MAC_CHARS || !sameMac(hmac(this.uploadKey, encoded), signature)) {
      return { ok: false, message: 'The upload policy signature does not match; the form was altered or made with another secret.' };
    }
    const policy = parsePolicy(encoded);
    if (policy === undefined) return { ok: false, message: 'The upload policy is malformed.' };
    if (this.now() >= policy.expires * 1000) {
      return {
        ok: false,
        message: `The upload form expired at ${new Date(policy.expires * 1000).toISOString()}; reload the page and try again.`,
      };
    }
    if (fields.key !== policy.key) return { ok: false, message: "The upload form's key is not the one the policy allows." };
    if (fields['Content-Type'] !== policy.contentType) {
      return { ok: false, message: `The upload form's Content-Type must be exactly ${JSON.stringify(policy.contentType)}.` };
    }
    return { ok: true, value: policy };
  }
}

/** What a GET signature covers; `null` for no disposition, so an empty one is a different link. */
function getPayload(key: string, expires: number, disposition: string | undefined): string {
  return JSON.stringify([key, expires, disposition ?? null]);
}

function parsePolicy(encoded: string): UploadPolicy | undefined {
  try {
    const p = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Partial<UploadPolicy>;
    if (
      typeof p.key === 'string' &&
      invalidKeyReason(p.key) === undefined &&
      typeof p.contentType === 'string' &&
      typeof p.maxBytes === 'number' &&
      Number.isSafeInteger(p.maxBytes) &&
      p.maxBytes >= 1 &&
      typeof p.expires === 'number' &&
      Number.isSafeInteger(p.expires)
    ) {
      return { key: p.key, contentType: p.contentType, maxBytes: p.maxBytes, expires: p.expires };
    }
  } catch {
    // fall through: not base64url JSON
  }
  return undefined;
}

/** Printable ASCII with no leading space: what a Content-Type header can carry. */
function isMimeType(value: string): boolean {
  return value.length <= MAX_CONTENT_TYPE_CHARS && /^[\x21-\x7e][\x20-\x7e]*$/.test(value);
}

function positiveSeconds(value: number, name: string, key?: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new StorageError('StoreError', `${name} must be a whole number of seconds, at least 1 (got ${value}).`, { key });
  }
  return value;
}

function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

function noPresigning(key: string, method: string): StorageError {
  return new StorageError('StoreError', `The store says it presigns ${method} URLs but its driver has no way to.`, { key });
}

/** Presigning reads credentials (which can fail): any failure is a StorageError. */
async function presigned<T>(key: string, sign: () => Promise<T>): Promise<T> {
  try {
    return await sign();
  } catch (err) {
    if (isStorageError(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new StorageError('StoreError', `The store could not sign the URL: ${message}`, { cause: err, key });
  }
}
