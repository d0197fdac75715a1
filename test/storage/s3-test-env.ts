/**
 * The real S3 server the tests talk to (Ceph RGW started by scripts/with-rgw.sh), and
 * throw-away buckets on it. Configuration goes through `loadConfig`, like the app's.
 */
import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { loadConfig, type S3Config } from '../../src/config.js';

/** S3_* from the environment, with overrides (e.g. `{ S3_BUCKET: 'x', S3_PART_SIZE: '5242880' }`). */
export function testS3Config(overrides: Record<string, string | undefined> = {}): S3Config {
  const env = process.env;
  if (!env.S3_ENDPOINT) throw new Error('S3_ENDPOINT is not set: run the tests through `bash scripts/with-rgw.sh npx vitest run`.');
  return loadConfig({
    S3_ENDPOINT: env.S3_ENDPOINT,
    S3_REGION: env.S3_REGION,
    S3_ACCESS_KEY: env.S3_ACCESS_KEY,
    S3_SECRET_KEY: env.S3_SECRET_KEY,
    ...overrides,
  }).s3;
}

export function uniqueBucketName(label = 'test'): string {
  return `vitrina-${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A plain SDK client (not the driver's factory): what the tests check the driver with. */
export function rawS3Client(s3: S3Config): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: s3.accessKeyId ?? '', secretAccessKey: s3.secretAccessKey ?? '' },
  });
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Aborts open multipart uploads, deletes every object, the policy and the bucket. */
export async function destroyBucket(client: S3Client, bucket: string): Promise<void> {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const u of uploads.Uploads ?? []) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
  }
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** S3_* settings for a child process (a real `vitrina serve`) on `bucket` of the test server. */
export function s3Env(s3: S3Config, bucket: string): Record<string, string> {
  return {
    S3_ENDPOINT: s3.endpoint ?? '',
    S3_REGION: s3.region,
    S3_ACCESS_KEY: s3.accessKeyId ?? '',
    S3_SECRET_KEY: s3.secretAccessKey ?? '',
    S3_BUCKET: bucket,
  };
}
