/**
 * URLs that work without credentials: presigned GETs (private buckets) and presigned POST
 * forms for direct browser uploads, whose limits S3 itself enforces. Lifetimes and cache
 * policy are decided by the caller (DeliveryUrls); this file only signs.
 *
 * @example
 *   const url = await presignGet(client, bucket, key, { expiresIn: 600, cacheControl: 'private, max-age=300' });
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignedPost, PresignedPostOptions } from '../object-store.js';
import { StorageError } from '../storage-error.js';

/** A key in a URL path: each segment percent-encoded, the slashes kept. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** What a presigned GET says about the answer; the cache-control value is the caller's (DeliveryUrls) to decide. */
export interface PresignGetOptions {
  expiresIn: number;
  contentDisposition?: string | undefined;
  cacheControl: string;
}

export function presignGet(client: S3Client, bucket: string, key: string, options: PresignGetOptions): Promise<string> {
  // Both response overrides are signed into the URL, so whoever holds it cannot change them.
  return getSignedUrl(
    client,
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentDisposition: options.contentDisposition,
      ResponseCacheControl: options.cacheControl,
    }),
    { expiresIn: options.expiresIn },
  );
}

export async function presignPost(
  client: S3Client,
  bucket: string,
  key: string,
  options: PresignedPostOptions & { expiresIn: number },
): Promise<PresignedPost> {
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
    Expires: options.expiresIn,
  });
  return { url, fields };
}
