/**
 * npm run bench:upload — issue 3 item 9: 1 MiB JPEG uploads (a 2400×1600 photo) through
 * POST /products/new, logged in, against `vitrina serve` in a child process on PostgreSQL and
 * the project's Ceph RGW (or whatever S3_* point at), each figure beside a baseline measured
 * in the same run:
 *   - c=1: p50/p99 of the upload request beside a raw SDK PutObject of the same bytes to the
 *     same RGW (interleaved, so both see the same machine noise);
 *   - c=8: accepted uploads/s beside raw PutObjects/s at c=8, and the sustained rate measured
 *     until every uploaded image is processed (no asset left that is not `ready`), with the
 *     drain time after the last upload was answered;
 *   - both with full processing and with IMAGE_VARIANTS=false;
 *   - GET /products with 50 ready products, p50/p99, with S3_PUBLIC_URL (public URLs) and
 *     without (signed URLs), beside GET /healthz on the same server (the HTTP floor).
 * One server per mode, each on its own fresh database and bucket, all removed at the end (also
 * on failure or Ctrl-C). Only a 302 to /products/{id} counts as an accepted upload; anything
 * else stops the run with the status, the page's message and the server's log.
 *
 *   npm run bench:upload            # BENCH_WARMUP, BENCH_UPLOADS_C1, BENCH_UPLOADS_C8, BENCH_LIST_REQUESTS to change the counts
 *
 * Figures are for comparison within one run, not absolute: the client, the server, the RGW
 * and PostgreSQL share the machine's cores.
 */
import os from 'node:os';
import type { S3Client } from '@aws-sdk/client-s3';
import { rawS3Client, testS3Config } from '../test/storage/s3-test-env.js';
import {
  atConcurrency,
  Browser,
  databasePool,
  dropBucket,
  machineLine,
  onCleanup,
  p50p99,
  pendingAssets,
  postgresVersion,
  rawPut,
  runBench,
  scratchBucket,
  scratchDatabase,
  startServer,
  untilProcessed,
  untilPurged,
  uploader,
} from './bench-support.js';
import { makePhoto, PHOTO_HEIGHT, PHOTO_WIDTH } from './make-photo.js';

const count = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const UPLOADS_C1 = count('BENCH_UPLOADS_C1', 60);
const UPLOADS_C8 = count('BENCH_UPLOADS_C8', 160);
const LIST_REQUESTS = count('BENCH_LIST_REQUESTS', 200);
const LIST_PRODUCTS = 50;
// Uploads (and raw puts) before measuring: enough for V8 to have optimised the upload path, as on a server that has been running.
const WARMUP = count('BENCH_WARMUP', 30);
const CONCURRENCY = 8;
const BY = 'bench/upload.bench.ts';

// ---------------------------------------------------------------------------------------------
// The modes.

interface Env {
  s3: S3Client;
  endpoint: string;
  photo: Buffer;
}

interface UploadFigures {
  label: string;
  c1: { app: { p50: number; p99: number }; raw: { p50: number; p99: number }; backlog: number; drainS: number };
  c8: { rawPerS: number; acceptedPerS: number; sustainedPerS: number; backlog: number; drainS: number; app: { p50: number; p99: number } };
  /** Purge-queue rows still there when the server was stopped (30 s after the drain at most). */
  purgeLeft: number;
  log: string[];
}

async function uploadMode(label: string, env: Env, extraEnv: Record<string, string>): Promise<UploadFigures> {
  process.stderr.write(`[${label}] `);
  const databaseUrl = await scratchDatabase();
  const bucket = await scratchBucket(env.s3);
  // Where the raw PutObjects go: a bucket of their own on the same RGW.
  const baselineBucket = await scratchBucket(env.s3);
  const server = await startServer(label, { DATABASE_URL: databaseUrl, S3_BUCKET: bucket, ...extraEnv });
  const pool = databasePool(databaseUrl);
  const browser = new Browser(server);
  await browser.signUp(`Bench ${label}`, `bench@${label.replace(/\W+/g, '-')}.test`);
  const client = await uploader(browser, env.photo, { label, by: BY });
  let uploaded = 0;
  const upload = () => client.upload().finally(() => uploaded++);

  process.stderr.write('warm-up… ');
  for (let i = 0; i < WARMUP; i++) {
    await upload();
    await rawPut(env.s3, baselineBucket, `${label}/warmup/${i}`, env.photo);
  }
  await untilProcessed(pool, uploaded, label);

  process.stderr.write('c=1… ');
  const app1: number[] = [];
  const raw1: number[] = [];
  for (let i = 0; i < UPLOADS_C1; i++) {
    // Alternate which goes first so neither always gets the warmer connection.
    for (const who of i % 2 === 0 ? ['raw', 'app'] : ['app', 'raw']) {
      if (who === 'app') app1.push(await upload());
      else raw1.push(await rawPut(env.s3, baselineBucket, `${label}/c1/${i}`, env.photo));
    }
  }
  const c1End = performance.now();
  const c1Backlog = (await pendingAssets(pool)).pending;
  const c1Drained = await untilProcessed(pool, uploaded, label);

  process.stderr.write('c=8 raw… ');
  const raw8 = await atConcurrency(UPLOADS_C8, CONCURRENCY, (i) => rawPut(env.s3, baselineBucket, `${label}/c8/${i}`, env.photo));

  process.stderr.write('c=8 app… ');
  const t0 = performance.now();
  const app8 = await atConcurrency(UPLOADS_C8, CONCURRENCY, () => upload());
  const accepted = t0 + app8.ms;
  const c8Backlog = (await pendingAssets(pool)).pending;
  const drained = await untilProcessed(pool, uploaded, label);
  const purgeLeft = await untilPurged(pool);
  process.stderr.write('done\n');

  await server.stop();
  await dropBucket(env.s3, bucket);
  await dropBucket(env.s3, baselineBucket);
  return {
    label,
    purgeLeft,
    c1: { app: p50p99(app1), raw: p50p99(raw1), backlog: c1Backlog, drainS: (c1Drained - c1End) / 1000 },
    c8: {
      rawPerS: UPLOADS_C8 / (raw8.ms / 1000),
      acceptedPerS: UPLOADS_C8 / (app8.ms / 1000),
      sustainedPerS: UPLOADS_C8 / ((drained - t0) / 1000),
      backlog: c8Backlog,
      drainS: (drained - accepted) / 1000,
      app: p50p99(app8.times),
    },
    log: server.log,
  };
}

interface ListFigures {
  label: string;
  list: { p50: number; p99: number };
  healthz: { p50: number; p99: number };
  onPage: number;
  imageCheck: string;
  /** The first GET /products after the images became ready (signed mode: nothing signed yet). */
  firstMs: number;
  purgeLeft: number;
  log: string[];
}

async function listMode(label: string, env: Env, mode: 'public' | 'signed'): Promise<ListFigures> {
  process.stderr.write(`[${label}] `);
  const databaseUrl = await scratchDatabase();
  const bucket = await scratchBucket(env.s3);
  const publicUrl = `${env.endpoint}/${bucket}`;
  const server = await startServer(label, {
    DATABASE_URL: databaseUrl,
    S3_BUCKET: bucket,
    ...(mode === 'public' ? { S3_PUBLIC_URL: publicUrl } : {}),
  });
  const pool = databasePool(databaseUrl);
  const browser = new Browser(server);
  await browser.signUp(`Bench ${label}`, `bench@${label.replace(/\W+/g, '-')}.test`);
  const client = await uploader(browser, env.photo, { label, by: BY });

  process.stderr.write(`${LIST_PRODUCTS} products… `);
  await atConcurrency(LIST_PRODUCTS, 4, () => client.upload());
  await untilProcessed(pool, LIST_PRODUCTS, label);

  // The page must show ready images with URLs of the mode under test, and the first must load.
  const page = await browser.send('GET', '/products');
  if (page.status !== 200) throw browser.failure('GET /products', page, '200');
  const srcs = [...page.body.matchAll(/<img class="thumb" src="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const wrong = srcs.filter((src) => (mode === 'public' ? !src.startsWith(`${publicUrl}/t/`) : !/X-Amz-Signature=/.test(src)));
  if (srcs.length === 0 || wrong.length > 0)
    throw new Error(`[${label}] GET /products shows ${srcs.length} images, ${wrong.length} not ${mode} URLs: ${wrong[0] ?? ''}`);
  const image = await fetch(srcs[0]!);
  const imageCheck = `${image.status} ${image.headers.get('content-type')} ${(await image.arrayBuffer()).byteLength} bytes${mode === 'public' ? ', anonymous' : ''}`;

  process.stderr.write('GET /products… ');
  const get = async (pathname: string) => {
    const res = await browser.send('GET', pathname);
    if (res.status !== 200) throw browser.failure(`GET ${pathname}`, res, '200');
    return res.ms;
  };
  for (let i = 0; i < 20; i++) await get(i % 2 === 0 ? '/products' : '/healthz');
  const list: number[] = [];
  const healthz: number[] = [];
  for (let i = 0; i < LIST_REQUESTS; i++) {
    for (const which of i % 2 === 0 ? ['list', 'healthz'] : ['healthz', 'list']) {
      if (which === 'list') list.push(await get('/products'));
      else healthz.push(await get('/healthz'));
    }
  }
  const purgeLeft = await untilPurged(pool);
  process.stderr.write('done\n');
  await server.stop();
  await dropBucket(env.s3, bucket);
  return {
    label,
    list: p50p99(list),
    healthz: p50p99(healthz),
    onPage: srcs.length,
    imageCheck,
    firstMs: page.ms,
    purgeLeft,
    log: server.log,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!process.env.S3_ENDPOINT) throw new Error('S3_ENDPOINT is not set: run through `npm run bench:upload` (scripts/with-rgw.sh)');
  const s3Config = testS3Config();
  const s3 = rawS3Client(s3Config);
  onCleanup(async () => s3.destroy());
  const pgVersion = await postgresVersion();

  const photo = await makePhoto();
  const env: Env = { s3, endpoint: s3Config.endpoint!, photo };
  const cores = os.availableParallelism();
  console.log(machineLine(pgVersion, s3Config.endpoint!));
  console.log(
    `  the client, the server, the RGW and PostgreSQL share these cores; the server's image workers (IMAGE_WORKERS default): ${Math.max(1, cores - 1)}`,
  );
  console.log(
    `photo: ${PHOTO_WIDTH}×${PHOTO_HEIGHT} JPEG, ${(photo.length / 1048576).toFixed(2)} MiB (${photo.length} bytes), EXIF orientation 6 + GPS`,
  );
  console.log(
    `runs: per upload mode ${WARMUP} warm-up uploads, c=1 ${UPLOADS_C1} uploads interleaved with ${UPLOADS_C1} raw PutObjects, ` +
      `c=${CONCURRENCY} ${UPLOADS_C8} raw PutObjects then ${UPLOADS_C8} uploads; list: ${LIST_PRODUCTS} products, ${LIST_REQUESTS} GETs interleaved with GET /healthz\n`,
  );

  const started = performance.now();
  const uploads = [await uploadMode('full processing', env, {}), await uploadMode('variants off', env, { IMAGE_VARIANTS: 'false' })];
  const lists = [await listMode('public URLs', env, 'public'), await listMode('signed URLs', env, 'signed')];

  const f = (n: number, width = 7, digits = 1) => n.toFixed(digits).padStart(width);
  const x = (n: number) => `${n.toFixed(2)}×`.padStart(7);

  console.log(
    `\nuploads at c=1: POST /products/new (multipart, logged in) beside a raw SDK PutObject of the same bytes (ms; ratio = upload / raw)`,
  );
  console.log('mode               raw p50  upload p50   ratio    raw p99  upload p99   ratio   backlog after run, drained in');
  for (const u of uploads) {
    const { app, raw } = u.c1;
    console.log(
      `${u.label.padEnd(17)} ${f(raw.p50)}  ${f(app.p50, 10)}  ${x(app.p50 / raw.p50)}   ${f(raw.p99)}  ${f(app.p99, 10)}  ${x(app.p99 / raw.p99)}   ` +
        `${String(u.c1.backlog).padStart(3)} images, ${u.c1.drainS.toFixed(1)} s`,
    );
  }
  const beyond = UPLOADS_C1 - Math.ceil(0.99 * UPLOADS_C1);
  console.log(`  (p99 of ${UPLOADS_C1} samples, nearest rank: ${beyond === 0 ? 'the slowest one' : `${beyond} slower than it`})`);

  console.log(`\nuploads at c=${CONCURRENCY}, ${UPLOADS_C8} each (per second; ratio = upload / raw PutObject)`);
  console.log(
    'mode               raw puts/s  accepted/s   ratio   sustained/s   ratio   backlog at last 302   drain (images/s)   upload p50/p99 ms',
  );
  for (const u of uploads) {
    const c = u.c8;
    console.log(
      `${u.label.padEnd(17)} ${f(c.rawPerS, 10)}  ${f(c.acceptedPerS, 10)}  ${x(c.acceptedPerS / c.rawPerS)}   ${f(c.sustainedPerS, 11)}  ${x(c.sustainedPerS / c.rawPerS)}   ` +
        `${String(c.backlog).padStart(10)} images   ${f(c.drainS, 5)} s (${f(c.backlog / c.drainS, 4)})   ${c.app.p50.toFixed(0)} / ${c.app.p99.toFixed(0)}`,
    );
  }
  console.log('  accepted = 302s answered per second; sustained = uploads per second until every image is processed (assets all ready);');
  console.log('  drain = from the last 302 until no asset is left that is not ready, with the processing rate meanwhile');

  console.log(
    `\nGET /products with ${LIST_PRODUCTS} ready products, c=1, ${LIST_REQUESTS} requests (ms; ratio = list / GET /healthz on the same server)`,
  );
  console.log(
    'mode               healthz p50  list p50   ratio   healthz p99  list p99   ratio   first GET   images on the page; first image fetched',
  );
  for (const l of lists) {
    console.log(
      `${l.label.padEnd(17)} ${f(l.healthz.p50, 11, 2)}  ${f(l.list.p50, 8, 2)}  ${x(l.list.p50 / l.healthz.p50)}   ${f(l.healthz.p99, 11, 2)}  ${f(l.list.p99, 8, 2)}  ${x(l.list.p99 / l.healthz.p99)}   ` +
        `${f(l.firstMs, 6)} ms   ${l.onPage}; ${l.imageCheck}`,
    );
  }

  console.log('  first GET = the first render after the images were ready, before the warm-up (signed mode: no URL signed yet)');

  console.log(
    '\nreference figures from issue 3 — the first app (Flask + boto3, no image processing), measured elsewhere, NOT in this run:',
  );
  console.log('  upload p50 ≈ 40 ms; ≈ 40 uploads/s at c=8; GET /products p50 ≈ 11 ms');

  for (const r of [...uploads, ...lists]) {
    const purge = r.purgeLeft === 0 ? 'purge queue empty at stop' : `${r.purgeLeft} purges still queued 30 s after the drain`;
    console.log(`\nserver log at LOG_LEVEL=warn, ${r.label} (${purge}): ${r.log.length === 0 ? 'nothing' : `${r.log.length} lines`}`);
    for (const line of r.log.slice(0, 10)) console.log(`  ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
  }
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s of measuring (set-up and clean-up not counted)`);
}

await runBench(main);
