/** ensureBucket on a real S3 server: creation, and anonymous read of t/*\/img/* only when S3_PUBLIC_URL is set. */
import { GetBucketPolicyCommand, HeadBucketCommand, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { S3Config } from '../../src/config.js';
import { createS3Client } from '../../src/storage/s3/s3-client.js';
import { ensureBucket, publicReadPolicy } from '../../src/storage/s3/bucket-bootstrap.js';
import { destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from './s3-test-env.js';

const made: { admin: S3Client; bucket: string }[] = [];
afterEach(async () => {
  for (const { admin, bucket } of made.splice(0)) {
    await destroyBucket(admin, bucket);
    admin.destroy();
  }
});

function fresh(publicUrl?: string): { s3: S3Config; admin: S3Client; client: S3Client } {
  const s3 = testS3Config({ S3_BUCKET: uniqueBucketName('boot'), S3_PUBLIC_URL: publicUrl });
  const admin = rawS3Client(s3);
  made.push({ admin, bucket: s3.bucket });
  return { s3, admin, client: createS3Client(s3) };
}

/** Status of an unsigned GET, as a browser without credentials would see it. */
async function anonymousStatus(s3: S3Config, key: string): Promise<number> {
  const res = await fetch(`${s3.endpoint}/${s3.bucket}/${key}`);
  await res.arrayBuffer();
  return res.status;
}

async function putRaw(admin: S3Client, bucket: string, key: string): Promise<void> {
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from('img'), ContentType: 'image/jpeg' }));
}

describe('ensureBucket', () => {
  it('creates a missing bucket once and keeps it private without S3_PUBLIC_URL', async () => {
    const { s3, admin, client } = fresh();
    try {
      const first = await ensureBucket(client, s3);
      expect(first).toMatchObject({ bucket: s3.bucket, created: true, policy: 'private' });
      await admin.send(new HeadBucketCommand({ Bucket: s3.bucket }));
      expect(await ensureBucket(client, s3)).toMatchObject({ created: false, policy: 'private' });

      await putRaw(admin, s3.bucket, 't/1/img/0192f4a1/original.jpg');
      expect(await anonymousStatus(s3, 't/1/img/0192f4a1/original.jpg')).toBe(403);
    } finally {
      client.destroy();
    }
  });

  it('with S3_PUBLIC_URL makes t/*/img/* anonymously readable and nothing else', async () => {
    const { s3, admin, client } = fresh('https://cdn.example.test');
    try {
      const outcome = await ensureBucket(client, s3);
      expect(outcome).toMatchObject({ created: true, policy: 'applied' });
      await putRaw(admin, s3.bucket, 't/1/img/0192f4a1/original.jpg');
      await putRaw(admin, s3.bucket, 't/1/private/secret.jpg');
      await putRaw(admin, s3.bucket, '_vitrina/doctor/x.jpg');
      expect(await anonymousStatus(s3, 't/1/img/0192f4a1/original.jpg')).toBe(200);
      expect(await anonymousStatus(s3, 't/1/private/secret.jpg')).toBe(403);
      expect(await anonymousStatus(s3, '_vitrina/doctor/x.jpg')).toBe(403);
      expect(await anonymousStatus(s3, '')).toBe(403); // no anonymous listing
      expect(await ensureBucket(client, s3)).toMatchObject({ created: false, policy: 'unchanged' });
    } finally {
      client.destroy();
    }
  });

  it('leaves an earlier public policy in place when S3_PUBLIC_URL is unset, and says so', async () => {
    const { s3, admin, client } = fresh();
    try {
      await ensureBucket(client, s3);
      await admin.send(new PutBucketPolicyCommand({ Bucket: s3.bucket, Policy: JSON.stringify(publicReadPolicy(s3.bucket)) }));
      const outcome = await ensureBucket(client, s3);
      expect(outcome.policy).toBe('left-public');
      expect(outcome.messages.join('\n')).toMatch(/S3_PUBLIC_URL is unset/);
      expect((await admin.send(new GetBucketPolicyCommand({ Bucket: s3.bucket }))).Policy).toContain('VitrinaPublicReadImages');
    } finally {
      client.destroy();
    }
  });

  it('publicReadPolicy grants s3:GetObject on the image prefix only', () => {
    expect(publicReadPolicy('b')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'VitrinaPublicReadImages',
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject'],
          Resource: ['arn:aws:s3:::b/t/*/img/*'],
        },
      ],
    });
  });
});
