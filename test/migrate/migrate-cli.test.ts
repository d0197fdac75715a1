/**
 * `vitrina storage migrate` as an operator runs it: the real binary in a child process, on
 * PostgreSQL and the test RGW, with the objects in DATA_DIR/objects. Ctrl-C is a real SIGINT.
 * Option checking runs in-process through the same commander command (one bad option also
 * through the binary: the exit code and stderr wiring).
 */
import { spawn } from 'node:child_process';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStorageMigrate } from '../../src/cli/commands/storage-migrate.js';
import { LocalDriver } from '../../src/storage/local/local-driver.js';
import { Store } from '../../src/storage/store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { cleanEnv, PROJECT_ROOT, VITRINA_BIN, vitrina, type CliRun } from '../support/run-cli.js';
import { localRawInspector } from '../storage/local-raw-inspector.js';
import { createS3RawInspector } from '../storage/s3-raw-inspector.js';
import { destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { seedAssets, seedTenant, sha256, type SeededObject } from './migration-fixtures.js';

let database: TestDatabase;
let dataDir: string;
let env: Record<string, string>;
let objects: SeededObject[];
let tenantId: number;
const buckets: string[] = [];
const admin = () => rawS3Client(testS3Config());

function bucketEnv(bucket: string): Record<string, string> {
  buckets.push(bucket);
  return { ...env, S3_BUCKET: bucket };
}

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-migrate-cli-'));
  const s3 = testS3Config();
  env = {
    DATABASE_URL: database.url!,
    DATA_DIR: dataDir,
    S3_ENDPOINT: s3.endpoint!,
    S3_REGION: s3.region,
    S3_ACCESS_KEY: s3.accessKeyId!,
    S3_SECRET_KEY: s3.secretAccessKey!,
  };
  const local = new Store(new LocalDriver({ root: path.join(dataDir, 'objects') }));
  tenantId = await seedTenant(database.db);
  // Enough bytes that a run with one object at a time lasts a few seconds (for Ctrl-C).
  objects = await seedAssets(database.db, local, { tenantId, assets: 100, variants: 2, size: (i) => 60_000 + ((i * 7919) % 200_000) });
}, 60_000);

afterAll(async () => {
  const client = admin();
  for (const b of buckets) await destroyBucket(client, b).catch(() => undefined);
  client.destroy();
  await database?.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs `vitrina storage migrate …args` in-process: the command's exit code and what it wrote. */
async function migrateInProcess(args: string[], childEnv: Record<string, string>): Promise<CliRun> {
  const run = { code: -1, stdout: '', stderr: '' };
  const program = new Command('vitrina').exitOverride();
  registerStorageMigrate(program.command('storage'), {
    io: { out: (text) => void (run.stdout += text), err: (text) => void (run.stderr += text) },
    env: childEnv,
  });
  const before = process.exitCode;
  try {
    await program.parseAsync(['storage', 'migrate', ...args], { from: 'user' });
    run.code = Number(process.exitCode ?? 0);
  } finally {
    process.exitCode = before;
  }
  return run;
}

describe('vitrina storage migrate', () => {
  it('refuses bad options with exit code 2 and one line saying what to fix', async () => {
    const cases: [string[], RegExp][] = [
      [['--to', 's3'], /--from and --to are required/],
      [['--from', 'ftp', '--to', 's3'], /--from must be local or s3 \(got "ftp"\)/],
      [['--from', 'local', '--to', 's3', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 256/],
      [['--from', 'local', '--to', 's3', '--to-dir', '/tmp/x'], /--to-dir goes with --to local/],
      [['--from', 'local', '--to', 'local', '--to-bucket', 'x'], /--to-bucket goes with --to s3/],
      [['--from', 'local', '--to', 's3', '--tenant', 'abc'], /--tenant must be a tenant id/],
      [['--from', 'local', '--to', 's3', '--check', 'md5'], /--check must be on-write or read-back \(got "md5"\)/],
      [['--from', 'local', '--to', 's3', '--tenant', '999999', '--dry-run'], /there is no tenant with id 999999/],
      [['--from', 'local', '--to', 'local'], /the source and the destination are the same store/],
      [['--from', 'local', '--to', 's3', '--to-bucket', 'Bad_Bucket'], /destination S3 settings: S3_BUCKET must be a valid bucket name/],
      [['--from', 'local', '--to', 's3', '--to-env', '/nonexistent/aws.env'], /cannot read \/nonexistent\/aws.env: no such file/],
    ];
    const oneLine = (message: RegExp) => new RegExp(`^vitrina storage migrate: [^\\n]*${message.source}[^\\n]*\\n$`);
    for (const [args, message] of cases) {
      const run = await migrateInProcess(args, env);
      expect([run.code, run.stdout], args.join(' ')).toEqual([2, '']);
      expect(run.stderr, args.join(' ')).toMatch(oneLine(message));
    }
    // The binary itself: the same line on its stderr, exit code 2.
    const spawned = await vitrina(['storage', 'migrate', '--from', 'ftp', '--to', 's3'], env);
    expect([spawned.code, spawned.stdout]).toEqual([2, '']);
    expect(spawned.stderr).toMatch(oneLine(/--from must be local or s3 \(got "ftp"\)/));
  }, 60_000);

  it('dry run: counts and bytes, nothing touched', async () => {
    const bucket = uniqueBucketName('mig-dry');
    const run = await vitrina(['storage', 'migrate', '--from', 'local', '--to', 's3', '--dry-run'], bucketEnv(bucket));
    expect(run.code).toBe(0);
    const bytes = objects.reduce((s, o) => s + o.size, 0);
    expect(run.stdout).toContain(`to copy         ${objects.length} objects, ${(bytes / 1e6).toFixed(1)} MB`);
    expect(run.stdout).toMatch(/Dry run: nothing was read from or written to either store/);
    expect(await database.db.selectFrom('storage_migration_objects').selectAll().execute()).toEqual([]);
    // Not even the bucket was made.
    await expect(admin().send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toThrow();
    const probe = await vitrina(['storage', 'migrate', '--from', 'local', '--to', 's3', '--dry-run', '--json'], bucketEnv(bucket));
    expect(JSON.parse(probe.stdout)).toMatchObject({ dryRun: true, migrated: { objects: objects.length } });
  });

  it("a terminal's Ctrl-C (SIGINT to the whole process group) stops it cleanly, once; the rerun copies only the rest, and nothing twice", async () => {
    const bucket = uniqueBucketName('mig-int');
    const first = await runUntilInterrupted(
      ['storage', 'migrate', '--from', 'local', '--to', 's3', '--concurrency', '1'],
      bucketEnv(bucket),
      bucket,
      15,
      true,
    );
    expect(first.code).toBe(130);
    expect(first.stdout).toMatch(/Interrupted after \d+ of 300 objects; what was verified is recorded/);
    expect(first.stderr.match(/stopping — the objects in flight are aborted/g)).toHaveLength(1);
    const done = await database.db
      .selectFrom('storage_migration_objects')
      .select(['key', 'copies'])
      .where('route', 'like', `%/${bucket}`)
      .execute();
    expect(done.length).toBeGreaterThanOrEqual(15);
    expect(done.length).toBeLessThan(objects.length);

    const second = await vitrina(['storage', 'migrate', '--from', 'local', '--to', 's3', '--concurrency', '8'], bucketEnv(bucket));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`migrated +${objects.length - done.length} objects`));
    expect(second.stdout).toMatch(new RegExp(`skipped +${done.length} objects`));
    // Plain progress lines, as stderr is not a terminal here.
    expect(second.stderr).toMatch(
      /vitrina storage migrate: \d+\/300 files \(\d+%\), [\d.]+\/[\d.]+ MB, \d+ files\/s, [\d.]+ MB\/s, ETA \S+\n/,
    );
    const rows = await database.db
      .selectFrom('storage_migration_objects')
      .select(['key', 'copies'])
      .where('route', 'like', `%/${bucket}`)
      .execute();
    expect(rows).toHaveLength(objects.length);
    expect(rows.every((r) => r.copies === 1)).toBe(true);
    const raw = createS3RawInspector(admin(), bucket);
    for (const o of objects.filter((_, i) => i % 10 === 0)) expect(sha256((await raw.read(o.key))!)).toBe(o.sha256);
  }, 120_000);

  it('by default the destination checks the sha256 of each copy as it takes it; --verify reads them all back later', async () => {
    const bucket = uniqueBucketName('mig-onwrite');
    const run = await vitrina(['storage', 'migrate', '--from', 'local', '--to', 's3'], bucketEnv(bucket));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ {2}migrated +300 objects, .*, 300 verified as written \(the destination checked the sha256 of each\)$/m);
    // Copied in worker threads, one per core (at most --concurrency, 8 by default), shares adding up to the whole.
    const shares = /^ {2}copied in +(\d+) worker threads? \(([\d +]+) objects\)$/m.exec(run.stdout);
    expect(Number(shares?.[1])).toBe(Math.min(availableParallelism(), 8));
    expect(shares?.[2]?.split(' + ').reduce((sum, n) => sum + Number(n), 0)).toBe(300);
    const raw = createS3RawInspector(admin(), bucket);
    for (const o of objects.filter((_, i) => i % 10 === 0)) expect(sha256((await raw.read(o.key))!)).toBe(o.sha256);
    // The probe that found out RGW checks sha256 left nothing behind.
    expect(await raw.listKeys('_vitrina/')).toEqual([]);
    // An earlier run's copies count as verified; --verify reads every object back all the same.
    const again = await vitrina(['storage', 'migrate', '--from', 'local', '--to', 's3', '--verify', '--json'], bucketEnv(bucket));
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      check: 'on-write',
      migrated: { objects: 0 },
      skipped: { objects: 300 },
      recopied: 0,
      failed: [],
    });
  }, 120_000);

  it('reports a missing source object with exit code 1; s3 → s3 with --to-env; s3 → local with --to-dir', async () => {
    const bucket = uniqueBucketName('mig-a');
    const missing = objects[5]!;
    const saved = (await localRawInspector(path.join(dataDir, 'objects')).read(missing.key))!;
    const local = new Store(new LocalDriver({ root: path.join(dataDir, 'objects') }));
    await local.delete(missing.key);
    try {
      const run = await vitrina(['storage', 'migrate', '--from', 'local', '--to', 's3', '--tenant', String(tenantId)], bucketEnv(bucket));
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`    ${missing.key} (tenant ${tenantId}): missing from the source (${path.join(dataDir, 'objects')})`);
      expect(run.stdout).toMatch(/migrated +299 objects/);
      expect(run.stdout).toMatch(/1 object\(s\) failed\. Fix the cause and run the same command again/);
    } finally {
      await local.put(missing.key, saved, { contentType: missing.contentType });
    }
    const fixed = await vitrina(['storage', 'migrate', '--from', 'local', '--to', 's3'], bucketEnv(bucket));
    expect([fixed.code, /migrated +1 object,/.test(fixed.stdout), /skipped +299 objects/.test(fixed.stdout)]).toEqual([0, true, true]);

    // s3 → s3: the source is S3_* (bucket A), the destination a file of S3_* lines plus a flag.
    const other = uniqueBucketName('mig-b');
    buckets.push(other);
    const envFile = path.join(dataDir, 'dest.env');
    await writeFile(
      envFile,
      `# the new provider\nS3_ENDPOINT=${env.S3_ENDPOINT}\nexport S3_ACCESS_KEY="${env.S3_ACCESS_KEY}"\nS3_SECRET_KEY='${env.S3_SECRET_KEY}'\nS3_BUCKET=wrong-bucket\n`,
    );
    const s3s3 = await vitrina(['storage', 'migrate', '--from', 's3', '--to', 's3', '--to-env', envFile, '--to-bucket', other], {
      ...env,
      S3_BUCKET: bucket,
    });
    expect(s3s3.code, s3s3.stdout + s3s3.stderr).toBe(0);
    expect(s3s3.stdout).toMatch(new RegExp(`→ s3:http://[^/]+/${other} \\(all tenants\\)`));
    expect(s3s3.stdout).toMatch(/migrated +300 objects/);

    // s3 → local, into a folder of its own.
    const dir = path.join(dataDir, 'backup');
    const back = await vitrina(['storage', 'migrate', '--from', 's3', '--to', 'local', '--to-dir', dir], { ...env, S3_BUCKET: other });
    expect(back.code, back.stdout + back.stderr).toBe(0);
    const copy = localRawInspector(dir);
    for (const o of objects.filter((_, i) => i % 25 === 0)) {
      expect(sha256((await copy.read(o.key))!)).toBe(o.sha256);
      expect(await copy.contentType(o.key)).toBe(o.contentType);
    }
  }, 120_000);
});

/**
 * Runs the CLI and sends SIGINT once `rows` objects are recorded as verified in `bucket`: to the
 * CLI's process, or (`group`) to its whole process group, as a terminal's Ctrl-C is.
 */
function runUntilInterrupted(
  args: string[],
  childEnv: Record<string, string>,
  bucket: string,
  rows: number,
  group = false,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITRINA_BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: cleanEnv(childEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let sent = false;
    const deadline = Date.now() + 30_000;
    const poll = setInterval(() => {
      void database.db
        .selectFrom('storage_migration_objects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('route', 'like', `%/${bucket}`)
        .executeTakeFirstOrThrow()
        .then((r) => {
          if (!sent && Number(r.n) >= rows) {
            sent = true;
            if (group) process.kill(-child.pid!, 'SIGINT');
            else child.kill('SIGINT');
          } else if (!sent && Date.now() > deadline) {
            child.kill('SIGKILL');
          }
        });
    }, 25);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
