/** How the S3 driver (behind the facade) fails: credentials, network, missing bucket, aborted and over-limit multipart puts. */
import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { S3Driver } from '../../src/storage/s3/s3-driver.js';
import { Store } from '../../src/storage/store.js';
import { endlessStream, expectStorageError, streamOf } from './contract-helpers.js';
import { recordingClient } from './s3-recording-client.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

const MiB = 1024 * 1024;
const bucket = uniqueBucketName('failures');
const good = testS3Config({ S3_BUCKET: bucket, S3_PART_SIZE: String(5 * MiB) });
const admin = rawS3Client(good);

function storeWith(overrides: Record<string, string>) {
  return new Store(new S3Driver({ s3: testS3Config({ S3_BUCKET: bucket, ...overrides }), logger: silentLogger }));
}

async function openUploads(): Promise<number> {
  return (await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0;
}

beforeAll(async () => {
  await createBucket(admin, bucket);
});
afterAll(async () => {
  await destroyBucket(admin, bucket);
  admin.destroy();
});

describe('credentials', () => {
  it('names S3_SECRET_KEY for a wrong secret, without the secret', async () => {
    const secret = `wrong-${randomBytes(8).toString('hex')}`;
    const store = storeWith({ S3_SECRET_KEY: secret });
    try {
      const attempts = [() => store.put('a/b', Buffer.from('x'), { contentType: 'x/y' }), () => store.get('a/b'), () => store.list('a/')];
      for (const attempt of attempts) {
        const err = await expectStorageError(attempt(), 'BadCredentials');
        expect(err.message).toContain('S3_SECRET_KEY');
        expect(err.message).not.toContain(secret);
        expect(err.message).not.toContain(good.secretAccessKey);
        expect(err.cause).toBeDefined();
      }
    } finally {
      await store.close();
    }
  });

  it('names S3_ACCESS_KEY for an unknown access key', async () => {
    const store = storeWith({ S3_ACCESS_KEY: 'no-such-access-key' });
    try {
      const err = await expectStorageError(store.put('a/b', Buffer.from('x'), { contentType: 'x/y' }), 'BadCredentials');
      expect(err.message).toContain('S3_ACCESS_KEY');
      expect(err.message).not.toContain(good.secretAccessKey);
    } finally {
      await store.close();
    }
  });
});

it('reports an unreachable endpoint quickly, naming it', async () => {
  const store = storeWith({
    S3_ENDPOINT: 'http://127.0.0.1:1',
    S3_MAX_ATTEMPTS: '1',
    S3_CONNECT_TIMEOUT_MS: '1000',
    S3_REQUEST_TIMEOUT_MS: '1000',
  });
  const started = Date.now();
  try {
    const err = await expectStorageError(store.get('a/b'), 'StoreUnreachable');
    expect(err.message).toContain('http://127.0.0.1:1');
    await expectStorageError(store.put('a/b', streamOf(Buffer.alloc(100)), { contentType: 'x/y', contentLength: 100 }), 'StoreUnreachable');
  } finally {
    await store.close();
  }
  expect(Date.now() - started).toBeLessThan(3000);
});

it('reports a missing bucket as BucketMissing', async () => {
  const store = storeWith({ S3_BUCKET: uniqueBucketName('missing') });
  try {
    await expectStorageError(store.put('a/b', Buffer.from('x'), { contentType: 'x/y' }), 'BucketMissing');
    await expectStorageError(store.put('a/c', streamOf(Buffer.alloc(100)), { contentType: 'x/y' }), 'BucketMissing');
    await expectStorageError(store.put('a/d', streamOf(Buffer.alloc(6 * MiB), MiB), { contentType: 'x/y' }), 'BucketMissing');
    await expectStorageError(store.get('a/b'), 'BucketMissing');
    await expectStorageError(store.list(''), 'BucketMissing');
  } finally {
    await store.close();
  }
});

describe('multipart', () => {
  it('aborts a 12 MiB multipart put mid-way and leaves no upload open', async () => {
    const { client, sent } = recordingClient(good);
    const store = new Store(new S3Driver({ s3: good, client }));
    const controller = new AbortController();
    const total = 12 * MiB;
    // Abort once more than one part has gone through the meter, before the stream ends.
    const body = endlessStream((fed) => fed >= 7 * MiB && controller.abort());
    try {
      await expectStorageError(
        store.put('mp/aborted.bin', body, { contentType: 'x/y', contentLength: total, signal: controller.signal }),
        'Aborted',
      );
      expect(sent.map((r) => r.command)).toContain('CreateMultipartUploadCommand');
      expect(sent.map((r) => r.command)).toContain('AbortMultipartUploadCommand');
      expect(await openUploads()).toBe(0);
      expect(await store.exists('mp/aborted.bin')).toBe(false);
    } finally {
      client.destroy();
    }
  }, 60_000);

  it('refuses an over-limit multipart stream with TooLarge and leaves no upload open', async () => {
    const { client, sent } = recordingClient(good);
    const store = new Store(new S3Driver({ s3: good, client }));
    try {
      await expectStorageError(
        store.put('mp/too-large.bin', streamOf(Buffer.alloc(12 * MiB, 3), MiB), { contentType: 'x/y', maxBytes: 11 * MiB }),
        'TooLarge',
      );
      expect(sent.map((r) => r.command)).toContain('UploadPartCommand');
      expect(await openUploads()).toBe(0);
      expect(await store.exists('mp/too-large.bin')).toBe(false);
    } finally {
      client.destroy();
    }
  }, 60_000);
});
