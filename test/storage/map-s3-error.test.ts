/** mapS3Error on SDK-shaped errors (a unit test of our own mapping; the real answers are in s3-failures). */
import { describe, expect, it } from 'vitest';
import { mapS3Error } from '../../src/storage/s3/map-s3-error.js';

const ctx = { endpoint: 'http://s3.example.test:9000', bucket: 'uploads', key: 't/1/img/a/original.jpg' };
const sdk = (name: string, status: number) => Object.assign(new Error('UnknownError'), { name, $metadata: { httpStatusCode: status } });
const net = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('mapS3Error', () => {
  it.each([
    [sdk('NoSuchKey', 404), 'ObjectNotFound'],
    [sdk('NotFound', 404), 'ObjectNotFound'],
    [sdk('NoSuchBucket', 404), 'BucketMissing'],
    [sdk('InvalidAccessKeyId', 403), 'BadCredentials'],
    [sdk('SignatureDoesNotMatch', 403), 'BadCredentials'],
    [sdk('AccessDenied', 403), 'AccessDenied'],
    [sdk('Forbidden', 403), 'AccessDenied'],
    [net('ECONNREFUSED'), 'StoreUnreachable'],
    [net('ENOTFOUND'), 'StoreUnreachable'],
    [net('ETIMEDOUT'), 'StoreUnreachable'],
    [net('ECONNRESET'), 'StoreUnreachable'],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'StoreUnreachable'],
    [new Error('socket hang up'), 'StoreUnreachable'],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'Aborted'],
    [sdk('InternalError', 500), 'StoreError'],
    ['a string', 'StoreError'],
  ])('maps %o to %s, keeping the cause', (err, code) => {
    const mapped = mapS3Error(err, ctx);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(err);
  });

  it('names the setting to check', () => {
    expect(mapS3Error(sdk('InvalidAccessKeyId', 403), ctx).message).toContain('S3_ACCESS_KEY');
    expect(mapS3Error(sdk('SignatureDoesNotMatch', 403), ctx).message).toContain('S3_SECRET_KEY');
    expect(mapS3Error(net('ECONNREFUSED'), ctx).message).toContain('http://s3.example.test:9000');
    expect(mapS3Error(sdk('NoSuchBucket', 404), ctx).message).toContain('S3_BUCKET');
    for (const name of ['XAmzContentSHA256Mismatch', 'BadDigest']) {
      expect(mapS3Error(sdk(name, 400), ctx).message).toMatch(
        /bytes for "t\/1\/img\/a\/original.jpg" that do not match the sha256 .*the source object is damaged/,
      );
    }
  });

  it('reports Aborted whenever the caller aborted, whatever the SDK threw', () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    expect(mapS3Error(net('ECONNRESET'), { ...ctx, signal: controller.signal }).code).toBe('Aborted');
  });
});
