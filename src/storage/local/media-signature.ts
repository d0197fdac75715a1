/**
 * Signed URLs and upload policies for objects the app serves itself (local driver): the
 * app-side equivalent of S3's presigned GET and presigned POST.
 *
 *     GET  {baseUrl}/media/{key}?expires=UNIX[&disposition=…]&signature=HEX
 *     POST {baseUrl}/media-upload   fields: key, Content-Type, policy, signature, then file
 *
 * Signatures are HMAC-SHA256 with the app's secret over a JSON array (so no field can bleed
 * into the next), with a purpose label so a GET signature can never pass as an upload one.
 * Comparison is timing-safe.
 *
 * @example
 *   const check = verifyMediaSignature(secret, key, request.query);
 *   if (!check.ok) throw new AppError('Forbidden', check.message);
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidKeyReason } from '../keys.js';

export type Verified<T> = { ok: true; value: T } | { ok: false; message: string };

function hmac(secret: string, parts: readonly (string | number)[]): string {
  return createHmac('sha256', secret).update(JSON.stringify(parts)).digest('hex');
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Each path segment percent-encoded, the slashes kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

// ---- signed GET ---------------------------------------------------------------------------

export function mediaSignature(secret: string, key: string, expires: number, disposition: string | undefined): string {
  return hmac(secret, ['vitrina-media-get-v1', key, expires, disposition ?? '']);
}

/** The query string (without "?") of a signed GET URL. */
export function signedMediaQuery(secret: string, key: string, expires: number, disposition: string | undefined): string {
  const query = new URLSearchParams({ expires: String(expires) });
  if (disposition !== undefined) query.set('disposition', disposition);
  query.set('signature', mediaSignature(secret, key, expires, disposition));
  return query.toString();
}

/**
 * Checks a signed GET's query for `key`. `now` is in milliseconds since the epoch.
 * On success the value is the signed Content-Disposition (undefined when none was signed).
 */
export function verifyMediaSignature(secret: string, key: string, query: unknown, now: number = Date.now()): Verified<string | undefined> {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const { expires, disposition, signature } = q;
  if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires)) {
    return { ok: false, message: 'This media link is not signed; ask the app for a fresh link.' };
  }
  if (disposition !== undefined && typeof disposition !== 'string') {
    return { ok: false, message: 'This media link is malformed (disposition given twice).' };
  }
  if (!sameSignature(mediaSignature(secret, key, Number(expires), disposition), signature)) {
    return { ok: false, message: 'The signature of this media link does not match; it was altered or made with another secret.' };
  }
  if (now >= Number(expires) * 1000) {
    return {
      ok: false,
      message: `This media link expired at ${new Date(Number(expires) * 1000).toISOString()}; reload the page for a fresh one.`,
    };
  }
  return { ok: true, value: disposition };
}

// ---- presigned POST -----------------------------------------------------------------------

export interface UploadPolicy {
  key: string;
  contentType: string;
  /** Largest accepted file in bytes (the smallest is 1, as S3's content-length-range 1..max). */
  maxBytes: number;
  /** UNIX seconds. */
  expires: number;
}

export function uploadSignature(secret: string, policy: string): string {
  return hmac(secret, ['vitrina-media-upload-v1', policy]);
}

/** The form fields a browser posts before the file. */
export function uploadFields(secret: string, policy: UploadPolicy): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(policy)).toString('base64url');
  return { key: policy.key, 'Content-Type': policy.contentType, policy: encoded, signature: uploadSignature(secret, encoded) };
}

/**
 * Checks the fields of an upload form: signature, expiry, and that `key` and `Content-Type`
 * are exactly the ones the policy was made for. `now` is in milliseconds since the epoch.
 */
export function verifyUploadPolicy(
  secret: string,
  fields: Readonly<Record<string, string | undefined>>,
  now: number = Date.now(),
): Verified<UploadPolicy> {
  const { policy: encoded, signature } = fields;
  if (encoded === undefined || signature === undefined) {
    return { ok: false, message: 'The upload form has no policy or signature field; they must come before the file.' };
  }
  if (!sameSignature(uploadSignature(secret, encoded), signature)) {
    return { ok: false, message: 'The upload policy signature does not match; the form was altered or made with another secret.' };
  }
  const policy = parsePolicy(encoded);
  if (policy === undefined) return { ok: false, message: 'The upload policy is malformed.' };
  if (now >= policy.expires * 1000) {
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
