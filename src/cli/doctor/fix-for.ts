import type { Config } from '../../config.js';
import { isStorageError } from '../../storage/storage-error.js';

/**
 * One line saying what to fix for a storage failure, naming the setting and its value (never
 * a secret's value).
 */
export function fixFor(config: Config, err: unknown): string {
  const { s3 } = config;
  const endpoint = s3.endpoint ?? `AWS S3 in ${s3.region}`;
  if (!isStorageError(err)) return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  switch (err.code) {
    case 'BadCredentials':
      if (/S3_ACCESS_KEY/.test(err.message))
        return 'S3_ACCESS_KEY is not known to the store: set the access key id of a key that exists there.';
      return 'S3_SECRET_KEY does not match S3_ACCESS_KEY: set the secret that belongs to this access key.';
    case 'StoreUnreachable':
      return s3.endpoint !== undefined
        ? `S3_ENDPOINT=${s3.endpoint} cannot be reached: start the S3 server or correct S3_ENDPOINT.`
        : `AWS S3 in ${s3.region} cannot be reached: check the network, proxy settings and S3_REGION.`;
    case 'BucketMissing':
      return `S3_BUCKET=${s3.bucket} does not exist at ${endpoint}: run \`vitrina storage init\` or create it in the provider's console.`;
    case 'AccessDenied':
      return `the key in S3_ACCESS_KEY may not use bucket ${s3.bucket}: grant it s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on it.`;
    case 'TooLarge':
    case 'Aborted':
    case 'InvalidKey':
    case 'ObjectNotFound':
    case 'StoreError':
      return `${err.message} Check the provider's status and the bucket's settings at ${endpoint}.`;
  }
}
