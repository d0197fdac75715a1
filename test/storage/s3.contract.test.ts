/**
 * The ObjectStore contract against S3ObjectStore on a real S3 server, one fresh bucket per suite:
 * once as the app puts (every request through the SDK), once as a migration does (small
 * buffered puts sent directly, see direct-put.ts).
 */
import { silentLogger } from '../../src/logger.js';
import { S3ObjectStore } from '../../src/storage/s3/s3-object-store.js';
import { describeObjectStoreContract } from './contract.js';
import { createS3RawInspector } from './s3-raw-inspector.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

async function s3Fixture(publicBaseUrl: string | undefined, directPuts: boolean) {
  // 5 MiB parts (the S3 minimum) so the multi-part cases upload several parts.
  const s3 = testS3Config({ S3_BUCKET: uniqueBucketName('contract'), S3_PUBLIC_URL: publicBaseUrl, S3_PART_SIZE: String(5 * 1024 * 1024) });
  const admin = rawS3Client(s3);
  await createBucket(admin, s3.bucket);
  const store = new S3ObjectStore({ s3, signedUrlTtl: 60, logger: silentLogger, directPuts });
  return {
    store,
    raw: createS3RawInspector(admin, s3.bucket),
    async cleanup() {
      await store.close();
      await destroyBucket(admin, s3.bucket);
      admin.destroy();
    },
  };
}

describeObjectStoreContract('S3ObjectStore', ({ publicBaseUrl }) => s3Fixture(publicBaseUrl, false));
describeObjectStoreContract('S3ObjectStore, small puts sent directly', ({ publicBaseUrl }) => s3Fixture(publicBaseUrl, true));
