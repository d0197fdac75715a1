/**
 * URLs that work without credentials: presigned GETs (private buckets) and presigned POST
 * forms for direct browser uploads, whose limits S3 itself enforces.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignedPost, PresignedPostOptions } from '../object-store.js';
import { StorageError } from '../storage-error.js';

/** Default lifetime of a presigned POST form, in seconds. */
const POST_TTL = 600;

/** A key in a URL path: each segment percent-encoded, the slashes kept. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function presignGet(
  client: S3Client,
  bucket: string,
  key: string,
  expiresIn: number,
  contentDisposition: string | undefined,
): Promise<string> {
  // ResponseContentDisposition is signed into the URL, so it cannot be changed by whoever holds it.
  // The object is stored `public, immutable`; through a signed URL it is private, and cached for at
  // most half the URL's lifetime: pages reuse a signed URL for its first half (http/media/image-urls.ts),
  // so a browser's copy never outlives the signature, and no shared cache keeps it at all.
  const cacheControl = `private, max-age=${Math.floor(expiresIn / 2)}`;
  return getSignedUrl(
    client,
    new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: contentDisposition, ResponseCacheControl: cacheControl }),
    { expiresIn },
  );
}

export async function presignPost(client: S3Client, bucket: string, key: string, options: PresignedPostOptions): Promise<PresignedPost> {
  if (key.endsWith('${filename}')) {
    // The SDK would turn this into a starts-with condition: any key under the prefix.
    throw new StorageError('InvalidKey', 'A presigned POST key must not end with ${filename}.', { key });
  }
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1) {
    throw new StorageError('TooLarge', `maxBytes must be a positive whole number (got ${options.maxBytes}).`, { key });
  }
  const { url, fields } = await createPresignedPost(client, {
    Bucket: bucket,
    Key: key, // adds the exact {"key": key} condition
    Conditions: [
      ['content-length-range', 1, options.maxBytes],
      ['eq', '$Content-Type', options.contentType],
    ],
    Fields: { 'Content-Type': options.contentType },
    Expires: options.expiresIn ?? POST_TTL,
  });
  return { url, fields };
}
