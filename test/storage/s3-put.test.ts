/** S3-only behaviour of put: the signed payload hash, one request vs. equal-sized parts. */
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createS3Client } from '../../src/storage/s3/s3-client.js';
import { S3Driver } from '../../src/storage/s3/s3-driver.js';
import { Store } from '../../src/storage/store.js';
import { bytes, expectStorageError, streamOf } from './contract-helpers.js';
import { recordingClient } from './s3-recording-client.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

const MiB = 1024 * 1024;
const s3 = testS3Config({ S3_BUCKET: uniqueBucketName('put'), S3_PART_SIZE: String(5 * MiB) });
const admin = rawS3Client(s3);
const { client, sent } = recordingClient(s3);
const store = new Store(new S3Driver({ s3, client }));

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

it("signs the caller's sha256 as it stands (the SDK does not hash the bytes again), so the server refuses bytes that differ", async () => {
  const given = createHash('sha256').update('other bytes').digest('hex');
  sent.length = 0;
  const err = await expectStorageError(store.put('hash/given', bytes(1000), { contentType: 'x/y', sha256: given }), 'StoreError');
  expect(err.message).toMatch(/do not match the sha256 they were sent with/);
  expect(sent.find((r) => r.command === 'PutObjectCommand')?.headers['x-amz-content-sha256']).toBe(given);
  expect(await store.exists('hash/given')).toBe(false);
});

it('relies on a server that checks x-amz-content-sha256 against the bytes', async () => {
  const command = new PutObjectCommand({ Bucket: s3.bucket, Key: 'hash/wrong', Body: bytes(1000) });
  command.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = createHash('sha256')
        .update('other')
        .digest('hex');
      return next(args);
    },
    { step: 'build', name: 'wrongHash' },
  );
  await expect(admin.send(command)).rejects.toMatchObject({ name: expect.stringMatching(/XAmzContentSHA256Mismatch|BadDigest/) });
});

it('finds out once that the server checks the sha256 of what it receives', async () => {
  const probing = new Store(new S3Driver({ s3, client }));
  sent.length = 0;
  expect(await probing.checksSha256OnWrite()).toBe(true);
  expect(await probing.checksSha256OnWrite()).toBe(true);
  // One probe (refused, so nothing stored), remembered for the second question.
  expect(sent.map((r) => r.command)).toEqual(['PutObjectCommand']);
  expect((await admin.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: '_vitrina/' }))).KeyCount).toBe(0);
});

it('tells a server that stores bytes whatever their sha256 (here: RGW sent the right one behind our back), and leaves no probe behind', async () => {
  const lax = createS3Client(s3);
  // After the driver set its (wrong) hash and before signing, the bytes' own replaces it: the server stores them.
  lax.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body?: unknown };
      if (request.body instanceof Uint8Array)
        request.headers['x-amz-content-sha256'] = createHash('sha256').update(request.body).digest('hex');
      return next(args);
    },
    { step: 'build', name: 'rightHash', priority: 'low' },
  );
  try {
    const probing = new Store(new S3Driver({ s3, client: lax }));
    expect(await probing.checksSha256OnWrite()).toBe(false);
    expect((await admin.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: '_vitrina/' }))).KeyCount).toBe(0);
  } finally {
    lax.destroy();
  }
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
