/**
 * The ObjectStore contract against the S3 driver behind the facade (`new Store(new S3Driver(…))`),
 * as the app builds it, on a real S3 server with one fresh bucket for the suite.
 */
import { silentLogger } from '../../src/logger.js';
import { S3Driver } from '../../src/storage/s3/s3-driver.js';
import { Store } from '../../src/storage/store.js';
import { describeObjectStoreContract } from './contract.js';
import { createS3RawInspector } from './s3-raw-inspector.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

describeObjectStoreContract('S3Driver', async () => {
  // 5 MiB parts (the S3 minimum) so the multi-part cases upload several parts.
  const s3 = testS3Config({ S3_BUCKET: uniqueBucketName('contract'), S3_PART_SIZE: String(5 * 1024 * 1024) });
  const admin = rawS3Client(s3);
  await createBucket(admin, s3.bucket);
  const store = new Store(new S3Driver({ s3, logger: silentLogger }));
  return {
    store,
    raw: createS3RawInspector(admin, s3.bucket),
    async cleanup() {
      await store.close();
      await destroyBucket(admin, s3.bucket);
      admin.destroy();
    },
  };
});
