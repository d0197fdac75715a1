/**
 * `vitrina doctor` against the test RGW and the local driver: a table with ✓/✗ per check, exit 0
 * only when all pass, and for each failure one line naming what to fix. The real binary runs the
 * passing check; the failures run in-process (cli-in-process.ts), the same command and output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerDoctor } from '../../src/cli/commands/doctor.js';
import { freePort } from '../../src/free-port.js';
import { destroyBucket, rawS3Client, s3Env, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { vitrinaInProcess } from '../support/cli-in-process.js';
import { vitrina } from '../support/run-cli.js';

const doctor = (env: Record<string, string | undefined>) => vitrinaInProcess([registerDoctor], ['doctor'], env);

const s3 = testS3Config();
const admin = rawS3Client(s3);
const buckets: string[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const bucket of buckets) await destroyBucket(admin, bucket).catch(() => undefined);
  admin.destroy();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vitrina-doctor-'));
  dirs.push(dir);
  return dir;
}

function bucket(): string {
  const name = uniqueBucketName('doctor');
  buckets.push(name);
  return name;
}

/** The ✓/✗/– column of each row, by check name. */
function table(stdout: string): Record<string, string> {
  const rows: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    // "✓  name of the check  what it found": the name ends at the first double space.
    const [, mark, rest = ''] = /^([✓✗–]) {2}(\S.*)$/.exec(line) ?? [];
    const end = rest.indexOf('  ');
    if (mark !== undefined && end > 0) rows[rest.slice(0, end).trim()] = mark;
  }
  return rows;
}

describe('vitrina doctor', () => {
  it('passes every check against a working S3 and exits 0', async () => {
    const run = await vitrina(['doctor'], { ...s3Env(s3, bucket()), DATA_DIR: await dataDir() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(table(run.stdout)).toMatchObject({
      configuration: '✓',
      'endpoint reachable': '✓',
      credentials: '✓',
      bucket: '✓',
      'put / head / get / delete': '✓',
      'signed URL': '✓',
      'presigned POST': '✓',
      'public URL': '–',
    });
    expect(run.stdout).toMatch(/All \d+ checks passed\./);
  }, 60_000);

  it('names S3_SECRET_KEY when the secret is wrong', async () => {
    const run = await doctor({ ...s3Env(s3, bucket()), S3_SECRET_KEY: 'not-the-secret', DATA_DIR: await dataDir() });
    expect(run.code).toBe(1);
    expect(table(run.stdout).credentials).toBe('✗');
    expect(run.stdout).toContain('credentials: S3_SECRET_KEY does not match S3_ACCESS_KEY');
    expect(run.stdout + run.stderr).not.toContain('not-the-secret');
  }, 60_000);

  it('names S3_ENDPOINT and its value when nothing answers there', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const run = await doctor({ ...s3Env(s3, bucket()), S3_ENDPOINT: endpoint, DATA_DIR: await dataDir() });
    expect(run.code).toBe(1);
    expect(table(run.stdout)['endpoint reachable']).toBe('✗');
    expect(run.stdout).toContain(`S3_ENDPOINT=${endpoint} cannot be reached: start the S3 server or correct S3_ENDPOINT.`);
  }, 60_000);

  it('says when the bucket is missing and may not be created here', async () => {
    const name = bucket();
    const run = await doctor({ ...s3Env(s3, name), STORAGE_AUTO_INIT: 'false', DATA_DIR: await dataDir() });
    expect(run.code).toBe(1);
    expect(table(run.stdout).bucket).toBe('✗');
    expect(run.stdout).toContain(`S3_BUCKET=${name} does not exist: run \`vitrina storage init\``);
  }, 60_000);

  it('checks the local driver through the app it serves, and a bad setting by its name', async () => {
    const ok = await doctor({ STORAGE_DRIVER: 'local', DATA_DIR: await dataDir() });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(table(ok.stdout)).toMatchObject({ folder: '✓', 'signed URL': '✓', 'presigned POST': '✓' });

    const bad = await doctor({ STORAGE_DRIVER: 'local', MAX_UPLOAD_SIZE: '2MB', DATA_DIR: await dataDir() });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('MAX_UPLOAD_SIZE must be a whole number of bytes, at least 1 (got "2MB")');
  }, 60_000);
});
