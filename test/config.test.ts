import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: path.resolve('./data'),
      storageDriver: 'local',
      maxUploadSize: 2 * 1024 * 1024,
      port: 3000,
      host: '127.0.0.1',
      appUrl: 'http://127.0.0.1:3000',
    });
    expect(config.s3).toMatchObject({
      bucket: 'uploads',
      region: 'us-east-1',
      endpoint: undefined,
      forcePathStyle: false,
      checksumMode: 'WHEN_SUPPORTED',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.s3)).toBe(true);
  });

  it('chooses S3 when a bucket is set, with provider-aware defaults for a custom endpoint', () => {
    const config = loadConfig({ S3_BUCKET: 'photos', S3_ENDPOINT: 'http://127.0.0.1:9000/', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' });
    expect(config.storageDriver).toBe('s3');
    expect(config.s3).toMatchObject({
      bucket: 'photos',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      checksumMode: 'WHEN_REQUIRED',
    });
  });

  it("accepts the second app's names as aliases, the first app's names winning", () => {
    const config = loadConfig({
      S3_BUCKET_NAME: 'legacy',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'eu-west-1',
    });
    expect(config.s3).toMatchObject({ bucket: 'legacy', accessKeyId: 'id', secretAccessKey: 'secret', region: 'eu-west-1' });
    expect(loadConfig({ S3_BUCKET: 'first', S3_BUCKET_NAME: 'second' }).s3.bucket).toBe('first');
  });

  it('lets an explicit setting override a provider default', () => {
    const config = loadConfig({ S3_ENDPOINT: 'https://r2.example.com', S3_FORCE_PATH_STYLE: 'false', S3_CHECKSUM_MODE: 'WHEN_SUPPORTED' });
    expect(config.s3.forcePathStyle).toBe(false);
    expect(config.s3.checksumMode).toBe('WHEN_SUPPORTED');
  });

  it.each([
    [{ MAX_UPLOAD_SIZE: '2MB' }, 'MAX_UPLOAD_SIZE must be a whole number of bytes, at least 1 (got "2MB")'],
    [{ MAX_UPLOAD_SIZE: '0' }, 'MAX_UPLOAD_SIZE must be a whole number of bytes, at least 1 (got "0")'],
    [{ PORT: '70000' }, 'PORT must be a TCP port between 0 and 65535 (got "70000")'],
    [{ STORAGE_DRIVER: 'ftp' }, 'STORAGE_DRIVER must be one of s3, local (got "ftp")'],
    [{ S3_ENDPOINT: 'localhost:9000' }, 'S3_ENDPOINT must start with http: or https: (got "localhost:9000")'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must start with postgres: or postgresql: (got "mysql://x")'],
    [{ S3_BUCKET: 'My_Bucket' }, 'S3_BUCKET must be a valid bucket name (3-63 lowercase letters, digits, dots, hyphens) (got "My_Bucket")'],
    [{ S3_BUCKET_NAME: 'x' }, 'S3_BUCKET_NAME must be a valid bucket name (3-63 lowercase letters, digits, dots, hyphens) (got "x")'],
    [{ STORAGE_AUTO_INIT: 'maybe' }, 'STORAGE_AUTO_INIT must be true or false (got "maybe")'],
  ])('refuses %j with one line naming the variable', (env, message) => {
    const err = configError(env as Record<string, string>);
    expect(err.message).toBe(message);
    expect(err.message).not.toContain('\n');
  });

  it('never puts a secret in its error messages', () => {
    const err = configError({ S3_SECRET_KEY: 'super-secret-value' });
    expect(err.variable).toBe('S3_ACCESS_KEY');
    expect(err.message).not.toContain('super-secret-value');
    const short = configError({ SECRET_KEY: 'too-short-secret' });
    expect(short.message).not.toContain('too-short-secret');
  });
});
