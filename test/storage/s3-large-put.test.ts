/** A 200 MiB streamed put goes through in bounded memory (parts, not the whole body). */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { S3Driver } from '../../src/storage/s3/s3-driver.js';
import { Store } from '../../src/storage/store.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

const MiB = 1024 * 1024;
const s3 = testS3Config({ S3_BUCKET: uniqueBucketName('large') });
const admin = rawS3Client(s3);
const store = new Store(new S3Driver({ s3, logger: silentLogger }));

beforeAll(() => createBucket(admin, s3.bucket));
afterAll(async () => {
  await store.close();
  await destroyBucket(admin, s3.bucket);
  admin.destroy();
});

it('streams 200 MiB with RSS growing by less than 100 MB', async () => {
  const chunk = Buffer.alloc(MiB, 0x42);
  let sent = 0;
  const body = new Readable({
    read() {
      this.push(sent++ < 200 ? chunk : null);
    },
  });
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await store.put('large/200mib.bin', body, { contentType: 'application/octet-stream' });
    expect(result.size).toBe(200 * MiB);
  } finally {
    clearInterval(sampler);
  }
  const grewMb = (peak - baseline) / 1e6;
  console.info(`200 MiB streamed put: RSS grew by ${grewMb.toFixed(1)} MB`);
  expect(grewMb).toBeLessThan(100);
  expect((await store.head('large/200mib.bin')).size).toBe(200 * MiB);
}, 120_000);
