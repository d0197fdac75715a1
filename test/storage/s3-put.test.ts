/** S3-only behaviour of put: the signed payload hash, one request vs. equal-sized parts. */
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { S3ObjectStore } from '../../src/storage/s3/s3-object-store.js';
import { bytes, streamOf } from './contract-helpers.js';
import { recordingClient } from './s3-recording-client.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

const MiB = 1024 * 1024;
const s3 = testS3Config({ S3_BUCKET: uniqueBucketName('put'), S3_PART_SIZE: String(5 * MiB) });
const admin = rawS3Client(s3);
const { client, sent } = recordingClient(s3);
const store = new S3ObjectStore({ s3, signedUrlTtl: 60, client });

beforeAll(() => createBucket(admin, s3.bucket));
afterAll(async () => {
  client.destroy();
  await destroyBucket(admin, s3.bucket);
  admin.destroy();
});

it('signs a buffer put with our own sha256 as x-amz-content-sha256', async () => {
  const data = bytes(MiB);
  sent.length = 0;
  const result = await store.put('hash/one', data, { contentType: 'x/y' });
  const digest = createHash('sha256').update(data).digest('hex');
  expect(result.sha256).toBe(digest);
  const put = sent.find((r) => r.command === 'PutObjectCommand');
  expect(put?.headers['x-amz-content-sha256']).toBe(digest);
  expect(put?.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
});

it('relies on a server that checks x-amz-content-sha256 against the bytes', async () => {
  const command = new PutObjectCommand({ Bucket: s3.bucket, Key: 'hash/wrong', Body: bytes(1000) });
  command.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = createHash('sha256').update('other').digest('hex');
      return next(args);
    },
    { step: 'build', name: 'wrongHash' },
  );
  await expect(admin.send(command)).rejects.toMatchObject({ name: expect.stringMatching(/XAmzContentSHA256Mismatch|BadDigest/) });
});

it('sends a known-length stream up to the part size as one PutObject', async () => {
  sent.length = 0;
  await store.put('single/known', streamOf(bytes(5 * MiB)), { contentType: 'x/y', contentLength: 5 * MiB });
  expect(sent.map((r) => r.command)).toEqual(['PutObjectCommand']);
});

it('sends a larger or unknown-length stream as equal-sized parts', async () => {
  sent.length = 0;
  const data = bytes(12 * MiB + 123);
  const result = await store.put('multi/unknown', streamOf(data, 100_000), { contentType: 'image/png', metadata: { a: 'b' } });
  const parts = sent.filter((r) => r.command === 'UploadPartCommand').map((r) => Number(r.headers['content-length']));
  expect(parts).toEqual([5 * MiB, 5 * MiB, 2 * MiB + 123]);
  expect(result.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  expect(await store.head('multi/unknown')).toMatchObject({ size: data.length, contentType: 'image/png', metadata: { a: 'b' } });
  expect(sent.every((r) => !Object.keys(r.headers).some((h) => h.toLowerCase() === 'x-amz-acl'))).toBe(true);
}, 30_000);
