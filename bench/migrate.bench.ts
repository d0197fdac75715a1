/**
 * npm run bench:migrate — `vitrina storage migrate --from local --to s3` beside Debian's
 * `rclone copy` of the same folder to the same RGW, in the same run, each guarantee against
 * the rclone configuration that gives the same one:
 *
 *   vitrina (default, --check on-write)   each copy proven as the store took it: RGW checks the
 *       sha256 each put is signed with (the source's recorded one) and refuses anything else;
 *       recorded
 *     ↔ rclone copy             size + MD5 (ETag) checked, by a HEAD after each put
 *   vitrina --check read-back   every object read back, sha256 compared, recorded
 *     ↔ rclone copy + rclone check --download   every object read back and compared (with and
 *       without rclone's HEAD after each put, --s3-no-head: the download checks it all anyway)
 *   and, for reference, vitrina's default beside `rclone copy --s3-no-head`, which trusts the
 *   put's answer (its MD5 ETag) without that HEAD;
 *
 *   - 5,000 objects (BENCH_OBJECTS) of real JPEGs between 20 KB and 1 MB (log-uniform, as
 *     product photos and their variants spread), a few hundred distinct files reused under
 *     5,000 keys, in a local store (DATA_DIR/objects) with their asset rows in the embedded
 *     database — the embedded default a team starts on;
 *   - each command into a bucket of its own that does not exist yet (each tool creates it;
 *     removed right after: the test RGW keeps its objects in memory); wall time of the whole
 *     command, start-up included; files/s and MB/s;
 *   - vitrina at --concurrency BENCH_CONCURRENCY (8,16,32), rclone at --transfers/--checkers
 *     BENCH_RCLONE_TRANSFERS (4 = its default, 16, 32) and, with --s3-no-head,
 *     BENCH_RCLONE_NO_HEAD_TRANSFERS (16, 32); the runs alternate between the tools, and
 *     BENCH_ROUNDS (1) repeats the whole set; each tool's best is compared, per guarantee.
 *
 * rclone is installed from Debian's packages when missing (as root, or through sudo).
 * Figures are for comparison within one run, not absolute.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { AssetVariant } from '../src/db/schema.js';
import { insertAsset } from '../src/media/assets.repository.js';
import { IMMUTABLE_CACHE_CONTROL } from '../src/media/store-image.js';
import { newAssetPrefix, variantKey } from '../src/storage/key-locator.js';
import { serializeMeta } from '../src/storage/local/object-meta.js';
import { sha256Hex } from '../src/storage/stream-meter.js';
import { destroyBucket, rawS3Client } from '../test/storage/s3-test-env.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 5000);
const DISTINCT = 300;
const MIN = 20_000;
const MAX = 1_000_000;
const VARIANTS = ['original', 'w160', 'w480', 'w1200'];

function ensureRclone(): string {
  const found = spawnSync('rclone', ['version'], { encoding: 'utf8' });
  if (found.status !== 0) {
    console.error("rclone is missing: installing it from Debian's packages");
    const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
    const run = (args: string[]) =>
      execFileSync(asRoot[0] ?? args[0]!, asRoot.length ? args : args.slice(1), {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'rclone']);
  }
  return spawnSync('rclone', ['version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'rclone';
}

/** A JPEG of roughly `target` bytes: noise compresses about as badly as a detailed photo. */
async function jpegOfSize(target: number, seed: number, bytesPerPixel: number): Promise<Buffer> {
  const side = Math.max(48, Math.round(Math.sqrt(target / bytesPerPixel / 0.75)));
  return sharp({
    create: {
      width: side,
      height: Math.round(side * 0.75),
      channels: 3,
      background: { r: seed % 255, g: 90, b: 160 },
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .jpeg({ quality: 78 })
    .toBuffer();
}

interface Seeded {
  dataDir: string;
  folder: string;
  bytes: number;
}

async function seed(): Promise<Seeded> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-bench-migrate-'));
  const t0 = performance.now();
  const files: { bytes: Buffer; sha256: string }[] = [];
  // One calibration encode, then one encode per file.
  const probe = await jpegOfSize(200_000, 0, 0.5);
  const meta = await sharp(probe).metadata();
  const bytesPerPixel = probe.length / (meta.width! * meta.height!);
  for (let i = 0; i < DISTINCT; i++) {
    // Log-uniform between MIN and MAX: many small variants, fewer large originals.
    const target = Math.round(MIN * Math.pow(MAX / MIN, (i + 0.5) / DISTINCT));
    const bytes = await jpegOfSize(target, i, bytesPerPixel);
    files.push({ bytes, sha256: sha256Hex(bytes) });
  }
  // Written straight in the local driver's layout (objects/ + meta/), as its puts leave them.
  const root = path.join(dataDir, 'objects');
  const config = loadConfig({ DATA_DIR: dataDir });
  const database = await createDatabase(config);
  await migrateToLatest(database.db);
  const tenant = await database.db.insertInto('tenants').values({ name: 'Bench', slug: 'bench' }).returning('id').executeTakeFirstOrThrow();
  let total = 0;
  let n = 0;
  for (let a = 0; n < OBJECTS; a++) {
    const id = uuidv7();
    const prefix = newAssetPrefix(tenant.id, id);
    const variants: AssetVariant[] = [];
    for (const name of VARIANTS) {
      if (n >= OBJECTS) break;
      const file = files[(n * 7919) % DISTINCT]!;
      const key = variantKey(prefix, name, 'jpg');
      const dataFile = path.join(root, 'objects', ...key.split('/'));
      const metaFile = `${path.join(root, 'meta', ...key.split('/'))}.json`;
      await mkdir(path.dirname(dataFile), { recursive: true });
      await mkdir(path.dirname(metaFile), { recursive: true });
      await writeFile(dataFile, file.bytes);
      await writeFile(
        metaFile,
        serializeMeta({
          contentType: 'image/jpeg',
          cacheControl: IMMUTABLE_CACHE_CONTROL,
          metadata: {},
          size: file.bytes.length,
          sha256: file.sha256,
          etag: `"${file.sha256}"`,
          lastModified: new Date().toISOString(),
        }),
      );
      variants.push({ name, key, width: 1, height: 1, bytes: file.bytes.length, contentType: 'image/jpeg' });
      total += file.bytes.length;
      n++;
    }
    await insertAsset(database.db, {
      id,
      tenantId: tenant.id,
      keyPrefix: prefix,
      status: 'ready',
      contentType: 'image/jpeg',
      bytes: variants[0]!.bytes,
      sha256: '',
      width: 1,
      height: 1,
      variants,
      originalName: 'bench.jpg',
    });
  }
  await database.close();
  // The ~1.2 GB just written goes to disk now, not as writeback during the first timed run.
  execFileSync('sync');
  const sizes = files.map((f) => f.bytes.length).sort((x, y) => x - y);
  console.log(
    `seeded ${OBJECTS} objects (${DISTINCT} distinct JPEGs of ${(sizes[0]! / 1e3).toFixed(0)} KB to ${(sizes.at(-1)! / 1e3).toFixed(0)} KB, median ${(sizes[sizes.length >> 1]! / 1e3).toFixed(0)} KB), ${(total / 1e6).toFixed(1)} MB in all, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { dataDir, folder: path.join(root, 'objects'), bytes: total };
}

interface Row {
  tool: string;
  /** Which guarantee it gives: compared only within the same one. */
  guarantee: Guarantee;
  seconds: number;
  files: number;
  bytes: number;
  note: string;
}

function time(run: () => void): number {
  const t0 = performance.now();
  run();
  return (performance.now() - t0) / 1000;
}

const GUARANTEES = {
  'on-write': 'each copy proven as the store took it (vitrina: the store checked its sha256; rclone: size + MD5 ETag by a HEAD)',
  'read-back': 'every object read back and compared',
  'put-answer': "for reference: the put's answer (its ETag) trusted, no HEAD after it",
} as const;
type Guarantee = keyof typeof GUARANTEES;
/** Whose vitrina rows each group compares with (the reference group: vitrina's default, whose proof is also the put's answer). */
const VITRINA_CHECK: Record<Guarantee, 'on-write' | 'read-back'> = {
  'on-write': 'on-write',
  'read-back': 'read-back',
  'put-answer': 'on-write',
};

async function main(): Promise<void> {
  const env = process.env;
  if (!env.S3_ENDPOINT) throw new Error('S3_ENDPOINT is not set: run through `npm run bench:migrate`');
  const rcloneVersion = ensureRclone();
  const s3 = loadConfig({ ...env, S3_BUCKET: 'bench-unused' }).s3;
  const admin = rawS3Client(s3);
  const seeded = await seed();
  if (env.BENCH_SEED_ONLY === '1') {
    console.log(`seeded DATA_DIR=${seeded.dataDir} (kept)`);
    admin.destroy();
    return;
  }
  const buckets: string[] = [];
  let made = 0;
  const bucket = (label: string) => {
    const name = `bench-mig-${label}-${Date.now().toString(36)}${(made++).toString(36)}`;
    buckets.push(name);
    return name;
  };
  const rows: Row[] = [];
  // One bucket at a time: the test RGW keeps objects in memory (shared with others).
  const drop = async (name: string) => {
    await destroyBucket(admin, name);
    buckets.splice(buckets.indexOf(name), 1);
  };
  const countBucket = async (name: string) => {
    let files = 0;
    let bytes = 0;
    let token: string | undefined;
    do {
      const page = await admin.send(new ListObjectsV2Command({ Bucket: name, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        files++;
        bytes += o.Size ?? 0;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return { files, bytes };
  };
  // rclone's AWS SDK refuses a CA bundle on a plain-HTTP transport; the endpoint is http.
  const { AWS_CA_BUNDLE: _ca, ...rest } = env;
  const rcloneEnv = {
    ...rest,
    RCLONE_CONFIG_VRGW_TYPE: 's3',
    RCLONE_CONFIG_VRGW_PROVIDER: 'Ceph',
    RCLONE_CONFIG_VRGW_ENDPOINT: s3.endpoint!,
    RCLONE_CONFIG_VRGW_ACCESS_KEY_ID: s3.accessKeyId ?? '',
    RCLONE_CONFIG_VRGW_SECRET_ACCESS_KEY: s3.secretAccessKey ?? '',
    RCLONE_CONFIG_VRGW_REGION: s3.region,
  };

  const vitrina = (check: 'read-back' | 'on-write', concurrency: number) => async () => {
    const name = bucket(`v-${check === 'on-write' ? 'w' : 'r'}${concurrency}`);
    let out = '';
    const seconds = time(() => {
      out = execFileSync(
        process.execPath,
        [
          'bin/vitrina.js',
          'storage',
          'migrate',
          '--from',
          'local',
          '--to',
          's3',
          '--check',
          check,
          '--concurrency',
          String(concurrency),
          '--json',
          '--no-progress',
        ],
        {
          cwd: ROOT,
          env: { ...env, DATA_DIR: seeded.dataDir, STORAGE_DRIVER: 'local', S3_BUCKET: name, DATABASE_URL: '' },
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        },
      );
    });
    const report = JSON.parse(out) as {
      migrated: { objects: number; bytes: number };
      readBack: number;
      failed: unknown[];
      elapsedMs: number;
      workerThreads: { threadId: number; copies: number }[];
    };
    if (report.failed.length > 0 || report.migrated.objects !== OBJECTS)
      throw new Error(`vitrina migrated ${report.migrated.objects} of ${OBJECTS}, ${report.failed.length} failed`);
    const listed = await countBucket(name);
    if (listed.files !== OBJECTS || listed.bytes !== seeded.bytes)
      throw new Error(`the bucket holds ${listed.files} objects, ${listed.bytes} bytes after vitrina`);
    const how =
      check === 'on-write'
        ? `sha256 checked by the store as it took each put (${report.readBack} read back), recorded`
        : 'every object read back, sha256 compared, recorded';
    rows.push({
      tool: `vitrina storage migrate --check ${check} --concurrency ${concurrency}`,
      guarantee: check,
      seconds,
      files: report.migrated.objects,
      bytes: report.migrated.bytes,
      note: `copy ${(report.elapsedMs / 1000).toFixed(1)} s + start-up, in ${report.workerThreads.length} worker threads; ${how}`,
    });
    await drop(name);
  };

  const rclone =
    (check: 'read-back' | 'on-write', transfers: number, noHead = false) =>
    async () => {
      const name = bucket(`r-${check === 'on-write' ? 'w' : 'r'}${noHead ? 'n' : ''}${transfers}`);
      // 4 is rclone's default --transfers: then rclone runs with no flags at all (its --checkers default is 8).
      const defaults = transfers === 4 && !noHead;
      const parallel = defaults
        ? []
        : ['--transfers', String(transfers), '--checkers', String(transfers), ...(noHead ? ['--s3-no-head'] : [])];
      // rclone creates the bucket itself, as vitrina does: no head start for either.
      const seconds = time(() => {
        execFileSync('rclone', ['copy', seeded.folder, `vrgw:${name}`, ...parallel], {
          env: rcloneEnv,
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        if (check === 'read-back')
          execFileSync(
            'rclone',
            ['check', '--download', seeded.folder, `vrgw:${name}`, ...(defaults ? [] : ['--checkers', String(transfers)])],
            { env: rcloneEnv, stdio: ['ignore', 'ignore', 'ignore'] },
          );
      });
      const listed = await countBucket(name);
      if (listed.files !== OBJECTS || listed.bytes !== seeded.bytes)
        throw new Error(`rclone copied ${listed.files} of ${OBJECTS} objects, ${listed.bytes} of ${seeded.bytes} bytes`);
      const flags = defaults ? '(defaults: --transfers 4)' : `--transfers ${transfers}${noHead ? ' --s3-no-head' : ''}`;
      const label = check === 'on-write' ? `rclone copy ${flags}` : `rclone copy ${flags} + check --download`;
      const guarantee: Guarantee = check === 'on-write' && noHead ? 'put-answer' : check;
      const note =
        guarantee === 'on-write'
          ? 'size + MD5 (ETag) checked by a HEAD after each put'
          : guarantee === 'put-answer'
            ? "MD5 from the put's answer (ETag), no HEAD"
            : GUARANTEES[guarantee];
      rows.push({ tool: label, guarantee, seconds, files: listed.files, bytes: listed.bytes, note });
      await drop(name);
    };

  try {
    const concurrencies = (env.BENCH_CONCURRENCY ?? '8,16,32').split(',').map(Number);
    const transfers = (env.BENCH_RCLONE_TRANSFERS ?? '4,16,32').split(',').map(Number);
    const rounds = Number(env.BENCH_ROUNDS ?? 1);
    // Alternate the tools so that a drift in the machine's state (the RGW, other load) does not favour one.
    const vitrinaRuns = (['on-write', 'read-back'] as const).flatMap((check) => concurrencies.map((c) => vitrina(check, c)));
    const noHeadTransfers = (env.BENCH_RCLONE_NO_HEAD_TRANSFERS ?? '16,32')
      .split(',')
      .filter((t) => t !== '')
      .map(Number);
    const rcloneRuns = (['on-write', 'read-back'] as const).flatMap((check) => [
      ...transfers.map((t) => rclone(check, t)),
      ...noHeadTransfers.map((t) => rclone(check, t, true)),
    ]);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < Math.max(vitrinaRuns.length, rcloneRuns.length); i++) {
        await vitrinaRuns[i]?.();
        await rcloneRuns[i]?.();
      }
    }

    console.log(
      `\nstorage migrate benchmark: ${OBJECTS} objects, ${(seeded.bytes / 1e6).toFixed(1)} MB, local folder → Ceph RGW at ${s3.endpoint} (${rcloneVersion}); wall time of each command${rounds > 1 ? `, best of ${rounds} rounds` : ''}`,
    );
    const best = new Map<string, Row>();
    for (const r of rows) if (!best.has(r.tool) || best.get(r.tool)!.seconds > r.seconds) best.set(r.tool, r);
    const table = [...best.values()];
    console.log(
      `${'tool'.padEnd(58)} ${'files'.padStart(6)} ${'MB'.padStart(8)} ${'s'.padStart(7)} ${'files/s'.padStart(8)} ${'MB/s'.padStart(7)}  note`,
    );
    const groups = (['on-write', 'read-back', 'put-answer'] as const).filter((g) =>
      table.some((r) => r.guarantee === g && r.tool.startsWith('rclone')),
    );
    for (const guarantee of groups) {
      console.log(`-- ${GUARANTEES[guarantee]}`);
      // The reference group shows only rclone's rows: vitrina's default (on-write) rows are in the first group.
      for (const r of table.filter((t) => t.guarantee === guarantee)) {
        console.log(
          `${r.tool.padEnd(58)} ${String(r.files).padStart(6)} ${(r.bytes / 1e6).toFixed(1).padStart(8)} ${r.seconds.toFixed(2).padStart(7)} ${(r.files / r.seconds).toFixed(0).padStart(8)} ${(r.bytes / 1e6 / r.seconds).toFixed(1).padStart(7)}  ${r.note}`,
        );
      }
    }
    console.log('');
    for (const guarantee of groups) {
      const fastest = (rows: Row[]) => rows.sort((a, b) => a.seconds - b.seconds)[0]!;
      const v = fastest(table.filter((r) => r.guarantee === VITRINA_CHECK[guarantee] && r.tool.startsWith('vitrina')));
      const r = fastest(table.filter((r) => r.guarantee === guarantee && r.tool.startsWith('rclone')));
      const ratio = r.seconds / v.seconds;
      console.log(
        `${GUARANTEES[guarantee]}: best vitrina ${(v.files / v.seconds).toFixed(0)} files/s (${v.tool.replace('vitrina storage migrate ', '')}) vs best rclone ${(r.files / r.seconds).toFixed(0)} files/s (${r.tool.replace('rclone ', '')}): ${ratio >= 1 ? `vitrina ${ratio.toFixed(2)}× as fast` : `vitrina SLOWER (${ratio.toFixed(2)}×)`}`,
      );
    }
  } finally {
    for (const name of buckets) await destroyBucket(admin, name).catch(() => undefined);
    admin.destroy();
    await rm(seeded.dataDir, { recursive: true, force: true });
  }
}

await main();
