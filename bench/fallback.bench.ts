/**
 * npm run bench:fallback — issue 4 item 6: what an S3 outage costs, on real services. A Ceph
 * cluster of the benchmark's own (test/support/fault-rgw.ts: `.rgw-bench-fallback/`, its own
 * ports) whose S3 gateway is stopped and started again, so the shared RGW other people's tests
 * use is never disturbed; `vitrina serve` in a child process on a fresh PostgreSQL database per
 * mode, with S3_MAX_ATTEMPTS=2, S3_CONNECT_TIMEOUT_MS=1000 and S3_BREAKER_OPEN_MS=1000 so that
 * fallback decisions are quick.
 *   - c=1 uploads of the 1 MiB 2400×1600 photo through POST /products/new, p50/p99, in normal
 *     mode (S3 up) and in fallback mode (gateway stopped: uploads go to the database spool,
 *     spool_objects), each beside raw SDK PutObjects of the same bytes to a running RGW,
 *     interleaved; and the ratio fallback / normal;
 *   - the drain: 100 images uploaded during the outage, processed (ready, location spool), then
 *     the gateway is started and the time is taken until no asset is in the spool and
 *     spool_objects is empty (images/s, MB/s); GET /metrics during the outage and after.
 * Everything is removed at the end, the bench cluster with PURGE too, also on failure or Ctrl-C.
 *
 *   npm run bench:fallback     # BENCH_UPLOADS (40), BENCH_SPOOLED (100), BENCH_RGW_PORT to change them;
 *                              # BENCH_LOG_LEVEL (warn) for the servers, BENCH_LOG_FILE=path keeps the fallback server's whole log
 *
 * Figures are for comparison within one run: the client, the server, both RGWs and PostgreSQL
 * share the machine's cores.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';
import { loadConfig } from '../src/config.js';
import { faultRgwDir, removeFaultRgw, startFaultRgw, type FaultRgw } from '../test/support/fault-rgw.js';
import { rawS3Client, testS3Config } from '../test/storage/s3-test-env.js';
import {
  Browser,
  databasePool,
  machineLine,
  onCleanup,
  p50p99,
  postgresVersion,
  rawPut,
  ROOT,
  runBench,
  scratchBucket,
  scratchDatabase,
  sleep,
  startServer,
  untilProcessed,
  untilPurged,
  uploader,
  type Server,
  type Uploader,
} from './bench-support.js';
import { makePhoto, PHOTO_HEIGHT, PHOTO_WIDTH } from './make-photo.js';

const count = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const UPLOADS = count('BENCH_UPLOADS', 40);
const SPOOLED = count('BENCH_SPOOLED', 100);
const WARMUP = 5;
// Longer than the replicator's 120 s lease, so a lease left behind shows as a slow drain, not a failed run.
const DRAIN_TIMEOUT_MS = 180_000;
const LABEL = 'bench-fallback';
const BY = 'bench/fallback.bench.ts';
/** What makes fallback decisions quick (the breaker opens after S3_BREAKER_FAILURES=3 failed calls, the default). */
const QUICK_FALLBACK = { S3_MAX_ATTEMPTS: '2', S3_CONNECT_TIMEOUT_MS: '1000', S3_BREAKER_OPEN_MS: '1000' };
const SERIES = /^vitrina_(?:s3_breaker_state|spool_backlog_assets|spool_bytes|uploads_total|s3_errors_total|spool_replicated_total)\b/;
const MB = 1e6;
const benchStart = performance.now();
/** Progress on stderr, each step with the seconds since the start. */
const step = (text: string) => process.stderr.write(`${text} (${((performance.now() - benchStart) / 1000).toFixed(0)} s) `);

// ---------------------------------------------------------------------------------------------
// The bench cluster, the server's metrics and the spool as the database sees it.

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A gateway port whose monitor ports (port - 4100, port - 4099) are free too. */
async function rgwPort(): Promise<number> {
  const candidates = process.env.BENCH_RGW_PORT ? [Number(process.env.BENCH_RGW_PORT)] : [7496, 7497, 7498, 7499];
  for (const port of candidates) {
    if (!(await Promise.all([port, port - 4100, port - 4099].map(listening))).some(Boolean)) return port;
  }
  throw new Error(`no free port for the bench RGW among ${candidates.join(', ')} (with their monitor ports 4100 and 4099 below)`);
}

async function scrape(server: Server): Promise<string> {
  const res = await fetch(`${server.base}/metrics`);
  if (res.status !== 200) throw new Error(`[${server.label}] GET /metrics answered ${res.status}`);
  return res.text();
}

/** The value of one sample (`name` or `name{labels}`), 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const grepped = (text: string) => text.split('\n').filter((l) => SERIES.test(l));

interface SpoolState {
  assets: number;
  objects: number;
  bytes: number;
  incoming: number;
  incomingBytes: number;
  /** Spooled assets under a lease (claimed_until in the future), and the seconds until the last lease ends. */
  leased: number;
  leaseEndsInS: number;
  purges: number;
  purgeMaxAttempts: number;
  /** Seconds until the last queued purge is due (negative: overdue). */
  purgeDueInS: number;
}

async function spoolState(pool: pg.Pool): Promise<SpoolState> {
  const { rows } = await pool.query<SpoolState>(
    `select (select count(*)::int from assets where location = 'spool') as assets,
            (select count(*)::int from spool_objects) as objects,
            (select coalesce(sum(size), 0)::float8 from spool_objects) as bytes,
            (select count(*)::int from spool_objects where key like '%/incoming/%') as incoming,
            (select coalesce(sum(size), 0)::float8 from spool_objects where key like '%/incoming/%') as "incomingBytes",
            (select count(*)::int from assets where location = 'spool' and claimed_until > now()) as leased,
            (select coalesce(extract(epoch from max(claimed_until) - now()), 0)::float8 from assets where location = 'spool' and claimed_until > now()) as "leaseEndsInS",
            (select count(*)::int from purge_queue) as purges,
            (select coalesce(max(attempts), 0)::int from purge_queue) as "purgeMaxAttempts",
            (select coalesce(extract(epoch from max(not_before) - now()), 0)::float8 from purge_queue) as "purgeDueInS"`,
  );
  return rows[0]!;
}

async function bucketKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

/** The server's log lines grouped by process, level, event and message, with one example each. */
function logSummary(server: Server, lines: readonly string[] = server.log): string[] {
  const groups = new Map<string, { n: number; example: string }>();
  const levels: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  for (const line of lines) {
    let key = line.slice(0, 120);
    try {
      const j = JSON.parse(line) as { pid?: number; level?: number; event?: string; msg?: string };
      key = `${j.pid === server.pid ? 'web' : `worker pid ${j.pid}`} ${levels[j.level ?? 0] ?? j.level} ${j.event ?? '-'} "${j.msg}"`;
    } catch {
      // not pino JSON (stderr): grouped by its beginning
    }
    const group = groups.get(key) ?? { n: 0, example: line };
    group.n += 1;
    groups.set(key, group);
  }
  return [...groups].map(
    ([key, g]) =>
      `${String(g.n).padStart(4)} × ${key}\n         e.g. ${g.example.length > 500 ? `${g.example.slice(0, 500)}…` : g.example}`,
  );
}

// ---------------------------------------------------------------------------------------------
// The modes.

interface Env {
  rgw: FaultRgw;
  /** Raw SDK clients: to the bench RGW, and to the shared one (which keeps running during the outage). */
  bench: { s3: S3Client; bucket: string };
  shared: { s3: S3Client; bucket: string };
  photo: Buffer;
}

interface Mode {
  server: Server;
  pool: pg.Pool;
  browser: Browser;
  client: Uploader;
  bucket: string;
}

async function startMode(label: string, env: Env): Promise<Mode> {
  const databaseUrl = await scratchDatabase();
  // On the bench cluster, which goes as a whole at the end (the gateway may be down then).
  const bucket = await scratchBucket(env.bench.s3, { keep: true });
  const server = await startServer(label, {
    DATABASE_URL: databaseUrl,
    S3_ENDPOINT: env.rgw.endpoint,
    S3_REGION: env.rgw.env.S3_REGION ?? 'us-east-1',
    S3_ACCESS_KEY: env.rgw.env.S3_ACCESS_KEY!,
    S3_SECRET_KEY: env.rgw.env.S3_SECRET_KEY!,
    S3_BUCKET: bucket,
    ...QUICK_FALLBACK,
    ...(process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {}),
  });
  const pool = databasePool(databaseUrl);
  const browser = new Browser(server);
  await browser.signUp(`Bench ${label}`, `bench@${label.replace(/\W+/g, '-')}.test`);
  return { server, pool, browser, client: await uploader(browser, env.photo, { label, by: BY }), bucket };
}

type Timed = { p50: number; p99: number };

interface NormalFigures {
  server: Server;
  app: Timed;
  rawBench: Timed;
  rawShared: Timed;
  processedS: number;
}

async function normalMode(env: Env): Promise<NormalFigures> {
  process.stderr.write('[normal] ');
  const { server, pool, client } = await startMode('normal', env);
  step('warm-up…');
  for (let i = 0; i < WARMUP; i++) {
    await client.upload();
    await rawPut(env.bench.s3, env.bench.bucket, `normal/warmup/${i}`, env.photo);
    await rawPut(env.shared.s3, env.shared.bucket, `normal/warmup/${i}`, env.photo);
  }
  await untilProcessed(pool, WARMUP, 'normal');
  step(`${UPLOADS} uploads…`);
  const times = { app: [] as number[], bench: [] as number[], shared: [] as number[] };
  const order = ['app', 'bench', 'shared'] as const;
  for (let i = 0; i < UPLOADS; i++) {
    // Rotate which goes first so none always gets the warmer connection.
    for (let k = 0; k < 3; k++) {
      const who = order[(i + k) % 3]!;
      if (who === 'app') times.app.push(await client.upload());
      else if (who === 'bench') times.bench.push(await rawPut(env.bench.s3, env.bench.bucket, `normal/${i}`, env.photo));
      else times.shared.push(await rawPut(env.shared.s3, env.shared.bucket, `normal/${i}`, env.photo));
    }
  }
  const end = performance.now();
  const processed = await untilProcessed(pool, WARMUP + UPLOADS, 'normal');
  await untilPurged(pool);
  step('done');
  process.stderr.write('\n');
  await server.stop();
  return {
    server,
    app: p50p99(times.app),
    rawBench: p50p99(times.bench),
    rawShared: p50p99(times.shared),
    processedS: (processed - end) / 1000,
  };
}

interface OutageFigures {
  switchover: { ms: number[]; breakerOpenAfter: number | undefined };
  app: Timed;
  rawShared: Timed;
  /** Uploads in the measured run that tried S3 first (the breaker's half-open probes). */
  probes: number;
  all: Timed & { max: number; n: number };
  processedS: number;
  locations: { spool: number; store: number };
  served: string;
  readyzDuring: string;
  metricsDuring: string[];
  gatewayStartS: number;
  atReturn: SpoolState;
  firstMovedS: number | undefined;
  /** When half, and nine in ten, of the spooled assets had left the spool. */
  halfS: number | undefined;
  ninetyS: number | undefined;
  assetsEmptyS: number;
  objectsEmptyS: number;
  metricsAfter: string[];
  /** Where the server's log was when the gateway was started again. */
  logAtReturn: number;
  /** Drain progress every few seconds: [s, assets, objects, leased, purges]. */
  progress: [number, number, number, number, number][];
  readyzAfter: string | undefined;
  breakerAfterReadyz: string[];
  verified: string;
  server: Server;
}

/** Fallback mode, then the drain: all on one server, whose gateway is stopped after the warm-up. */
async function outageMode(env: Env): Promise<OutageFigures> {
  process.stderr.write('[fallback] ');
  const { server, pool, browser, client, bucket } = await startMode('fallback', env);
  step('warm-up (S3 up)…');
  for (let i = 0; i < WARMUP; i++) {
    await client.upload();
    await rawPut(env.shared.s3, env.shared.bucket, `fallback/warmup/${i}`, env.photo);
  }
  await untilProcessed(pool, WARMUP, 'fallback');

  step('gateway stopped…');
  await env.rgw.stopGateway();
  const switchover: number[] = [];
  let breakerOpenAfter: number | undefined;
  while (breakerOpenAfter === undefined && switchover.length < 10) {
    switchover.push(await client.upload());
    if (sample(await scrape(server), 'vitrina_s3_breaker_state') === 2) breakerOpenAfter = switchover.length;
  }

  step(`${UPLOADS} uploads…`);
  const unreachableBefore = sample(await scrape(server), 'vitrina_s3_errors_total{kind="StoreUnreachable"}');
  const app: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < UPLOADS; i++) {
    for (const who of i % 2 === 0 ? ['raw', 'app'] : ['app', 'raw']) {
      if (who === 'app') app.push(await client.upload());
      else raw.push(await rawPut(env.shared.s3, env.shared.bucket, `fallback/${i}`, env.photo));
    }
  }
  const probes = sample(await scrape(server), 'vitrina_s3_errors_total{kind="StoreUnreachable"}') - unreachableBefore;
  const rest: number[] = [];
  while (switchover.length + app.length + rest.length < SPOOLED) rest.push(await client.upload());
  const all = [...switchover, ...app, ...rest];
  const uploadsEnd = performance.now();

  step('processing…');
  const processed = await untilProcessed(pool, WARMUP + all.length, 'fallback');
  const { rows: where } = await pool.query<{ location: 'spool' | 'store'; n: number }>(
    'select location, count(*)::int as n from assets group by location',
  );
  const locations = { spool: 0, store: 0, ...Object.fromEntries(where.map((r) => [r.location, r.n])) };

  // A spooled image is served by the app from the database.
  const page = await browser.send('GET', '/products');
  const src = /<img class="thumb" src="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  const image = src === undefined ? undefined : await fetch(new URL(src, server.base));
  const served =
    image === undefined
      ? `no image on GET /products (${page.status})`
      : `${new URL(src!, server.base).pathname.replace(/\/t\/.*/, '/t/…')} → ${image.status} ${image.headers.get('content-type')} ${(await image.arrayBuffer()).byteLength} bytes`;
  const readyzDuring = await fetch(`${server.base}/readyz`).then(async (r) => `${r.status} ${await r.text()}`);
  const metricsDuring = grepped(await scrape(server));

  step('gateway started…');
  const atReturn = await spoolState(pool);
  const logAtReturn = server.log.length;
  const progress: OutageFigures['progress'] = [];
  const t0 = performance.now();
  await env.rgw.startGateway();
  const back = performance.now();
  let firstMovedS: number | undefined;
  let halfS: number | undefined;
  let ninetyS: number | undefined;
  let assetsEmptyS: number | undefined;
  let objectsEmptyS: number | undefined;
  let lastReport = back;
  while (objectsEmptyS === undefined) {
    const state = await spoolState(pool);
    const s = (performance.now() - back) / 1000;
    if (firstMovedS === undefined && state.assets < atReturn.assets) firstMovedS = s;
    if (halfS === undefined && state.assets <= atReturn.assets / 2) halfS = s;
    if (ninetyS === undefined && state.assets <= atReturn.assets / 10) ninetyS = s;
    if (assetsEmptyS === undefined && state.assets === 0) assetsEmptyS = s;
    if (state.assets === 0 && state.objects === 0) objectsEmptyS = s;
    else if (performance.now() - back > DRAIN_TIMEOUT_MS) {
      throw new Error(
        `[fallback] the spool did not drain within ${DRAIN_TIMEOUT_MS / 1000} s of S3's return: ${JSON.stringify(state)}\n` +
          `  server log (last lines):\n  ${server.log.slice(-25).join('\n  ')}`,
      );
    } else {
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        progress.push([s, state.assets, state.objects, state.leased, state.purges]);
        process.stderr.write(`(${s.toFixed(0)} s: ${state.assets} assets, ${state.objects} objects left) `);
      }
      await sleep(100);
    }
  }
  step('drained…');
  const metricsAfter = grepped(await scrape(server));
  let readyzAfter: string | undefined;
  let breakerAfterReadyz: string[] = [];
  if (sample(metricsAfter.join('\n'), 'vitrina_s3_breaker_state') !== 0) {
    // This web process has made no S3 call since the outage: its breaker only closes on one.
    readyzAfter = await fetch(`${server.base}/readyz`).then(async (r) => `${r.status} ${await r.text()}`);
    breakerAfterReadyz = grepped(await scrape(server)).filter((l) => l.startsWith('vitrina_s3_breaker_state'));
  }

  // Nothing lost: every asset ready in the object store, with every one of its objects in the bucket.
  const purgeLeft = await untilPurged(pool);
  const { rows: assets } = await pool.query<{ status: string; location: string; keys: string[] }>(
    `select status, location, array(select v->>'key' from jsonb_array_elements(variants) v) as keys from assets`,
  );
  const inBucket = new Set(await bucketKeys(env.bench.s3, bucket));
  const wanted = assets.flatMap((a) => a.keys);
  const missing = wanted.filter((k) => !inBucket.has(k));
  const notInStore = assets.filter((a) => a.status !== 'ready' || a.location !== 'store').length;
  const incomingLeft = [...inBucket].filter((k) => k.includes('/incoming/')).length;
  const verified =
    `${assets.length} assets (${WARMUP} before the outage + ${all.length} during it), ${assets.length - notInStore} ready in the object store` +
    `${notInStore > 0 ? `, ${notInStore} NOT` : ''}; ${wanted.length} objects they reference, ${missing.length} missing from the bucket` +
    `${missing.length > 0 ? ` (e.g. ${missing[0]})` : ''}; ${incomingLeft} upload copies left under incoming/; purge queue ${purgeLeft === 0 ? 'empty' : `${purgeLeft} rows 30 s later`}` +
    `; spool ${(await spoolState(pool)).objects} objects`;
  step('done');
  process.stderr.write('\n');
  await server.stop();
  if (process.env.BENCH_LOG_FILE) await writeFile(process.env.BENCH_LOG_FILE, `${server.log.join('\n')}\n`);

  return {
    switchover: { ms: switchover, breakerOpenAfter },
    app: p50p99(app),
    rawShared: p50p99(raw),
    probes,
    all: { ...p50p99(all), max: Math.max(...all), n: all.length },
    processedS: (processed - uploadsEnd) / 1000,
    locations,
    served,
    readyzDuring,
    metricsDuring,
    gatewayStartS: (back - t0) / 1000,
    atReturn,
    firstMovedS,
    halfS,
    ninetyS,
    assetsEmptyS: assetsEmptyS!,
    objectsEmptyS,
    metricsAfter,
    logAtReturn,
    progress,
    readyzAfter,
    breakerAfterReadyz,
    verified,
    server,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!process.env.S3_ENDPOINT) throw new Error('S3_ENDPOINT is not set: run through `npm run bench:fallback` (scripts/with-rgw.sh)');
  const started = performance.now();
  const sharedConfig = testS3Config();
  const pgVersion = await postgresVersion();
  const photo = await makePhoto();

  process.stderr.write('[bench RGW] ');
  const port = await rgwPort();
  // Registered first, so it runs last: the servers and databases go before their cluster.
  onCleanup(async () => {
    await removeFaultRgw(LABEL);
    if (existsSync(faultRgwDir(LABEL)))
      console.error(`cleanup: ${faultRgwDir(LABEL)} is still there; stop it with: PURGE=1 npm run rgw:stop -- ${faultRgwDir(LABEL)}`);
  });
  await removeFaultRgw(LABEL); // what an interrupted earlier run may have left
  const rgwT0 = performance.now();
  const rgw = await startFaultRgw(LABEL, port);
  const rgwS = (performance.now() - rgwT0) / 1000;
  step(`up on ${rgw.endpoint}`);
  const benchS3 = rawS3Client(
    loadConfig({
      S3_ENDPOINT: rgw.endpoint,
      S3_REGION: rgw.env.S3_REGION,
      S3_ACCESS_KEY: rgw.env.S3_ACCESS_KEY,
      S3_SECRET_KEY: rgw.env.S3_SECRET_KEY,
    }).s3,
  );
  const sharedS3 = rawS3Client(sharedConfig);
  onCleanup(async () => {
    benchS3.destroy();
    sharedS3.destroy();
  });
  const env: Env = {
    rgw,
    bench: { s3: benchS3, bucket: await scratchBucket(benchS3, { keep: true }) },
    shared: { s3: sharedS3, bucket: await scratchBucket(sharedS3) },
    photo,
  };
  step('buckets created');
  process.stderr.write('\n');

  console.log(machineLine(pgVersion, `${rgw.endpoint} (bench RGW) and ${sharedConfig.endpoint} (shared RGW)`));
  console.log(
    `photo: ${PHOTO_WIDTH}×${PHOTO_HEIGHT} JPEG, ${(photo.length / 1048576).toFixed(2)} MiB (${photo.length} bytes), EXIF orientation 6 + GPS`,
  );
  console.log(
    `bench RGW: a Ceph cluster of its own in ${path.relative(ROOT, faultRgwDir(LABEL))}/ (gateway ${rgw.endpoint}, up in ${rgwS.toFixed(1)} s); ` +
      `only its gateway process is stopped and started; the shared RGW ${sharedConfig.endpoint} is not touched (it takes the raw PutObjects while the bench gateway is down)`,
  );
  console.log(
    `server: vitrina serve on PostgreSQL (spool = spool_objects), JOBS=process (default: workers in a niced child), ` +
      `${Object.entries(QUICK_FALLBACK)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}, S3_BREAKER_FAILURES=3 (default) — so fallback decisions are quick`,
  );
  console.log(
    `runs: normal: ${WARMUP} warm-up, then ${UPLOADS} uploads each interleaved with a raw PutObject to the bench RGW and one to the shared RGW; ` +
      `fallback: ${WARMUP} warm-up with S3 up, gateway stopped, uploads until the breaker is open, ${UPLOADS} uploads interleaved with a raw PutObject ` +
      `to the shared RGW, more uploads up to ${SPOOLED} during the outage, processed, then the gateway is started and the drain timed\n`,
  );

  const normal = await normalMode(env);
  const outage = await outageMode(env);

  const f = (n: number, width = 7, digits = 1) => n.toFixed(digits).padStart(width);
  const x = (n: number) => `${n.toFixed(2)}×`.padStart(7);
  const row = (mode: string, baseline: string, app: Timed | undefined, raw: Timed) =>
    `${mode.padEnd(24)} ${baseline.padEnd(18)} ${f(raw.p50)}  ${app ? f(app.p50, 10) : ' '.repeat(10)}  ${app ? x(app.p50 / raw.p50) : ' '.repeat(7)}   ` +
    `${f(raw.p99)}  ${app ? f(app.p99, 10) : ' '.repeat(10)}  ${app ? x(app.p99 / raw.p99) : ''}`;
  console.log(
    `\nuploads at c=1: POST /products/new (multipart, logged in) beside a raw SDK PutObject of the same bytes (ms; ratio = upload / raw)`,
  );
  console.log(`mode                     raw PutObject to   raw p50  upload p50   ratio   raw p99  upload p99   ratio`);
  console.log(row('normal (S3 up)', 'bench RGW', normal.app, normal.rawBench));
  console.log(row('', 'shared RGW', normal.app, normal.rawShared));
  console.log(row('fallback (gateway down)', 'shared RGW', outage.app, outage.rawShared));
  console.log(
    `fallback / normal: upload p50 ${(outage.app.p50 / normal.app.p50).toFixed(2)}×, p99 ${(outage.app.p99 / normal.app.p99).toFixed(2)}×; ` +
      `each over its shared-RGW baseline: p50 ${(outage.app.p50 / outage.rawShared.p50 / (normal.app.p50 / normal.rawShared.p50)).toFixed(2)}×, ` +
      `p99 ${(outage.app.p99 / outage.rawShared.p99 / (normal.app.p99 / normal.rawShared.p99)).toFixed(2)}×`,
  );
  console.log(`  (${UPLOADS} samples each, p99 = the slowest but ${UPLOADS - Math.ceil(0.99 * UPLOADS)})`);
  const sw = outage.switchover;
  console.log(
    `switch-over: the first ${sw.ms.length} upload(s) after the gateway stopped: ${sw.ms.map((ms) => ms.toFixed(0)).join(', ')} ms; ` +
      (sw.breakerOpenAfter === undefined
        ? 'the breaker was NOT open after them'
        : `breaker open (vitrina_s3_breaker_state 2) after upload ${sw.breakerOpenAfter}`),
  );
  console.log(
    `  in the ${UPLOADS} measured fallback uploads, ${outage.probes} tried S3 first (half-open probes, one per S3_BREAKER_OPEN_MS) and then spooled`,
  );
  console.log(
    `all ${outage.all.n} uploads during the outage: ${outage.all.n} answered 302 (any other answer stops the run), p50 ${outage.all.p50.toFixed(1)} ms, ` +
      `p99 ${outage.all.p99.toFixed(1)} ms, max ${outage.all.max.toFixed(1)} ms`,
  );
  console.log(
    `processing: normal — ${WARMUP + UPLOADS} images ready ${normal.processedS.toFixed(1)} s after the last upload; fallback — all images ready ` +
      `${outage.processedS.toFixed(1)} s after the last upload; assets by location: ${outage.locations.spool} spool, ${outage.locations.store} store`,
  );
  console.log(`served during the outage: the first thumbnail on GET /products, ${outage.served}`);
  console.log(`GET /readyz during the outage: ${outage.readyzDuring}`);

  const curl = `$ curl -s ${outage.server.base}/metrics | grep -E '${SERIES.source}'`;
  console.log(
    `\nGET /metrics during the outage (${outage.all.n} images spooled and processed, gateway down; breaker 0 closed, 1 half-open, 2 open):\n${curl}`,
  );
  for (const line of outage.metricsDuring) console.log(line);

  const r = outage.atReturn;
  const imageBytes = r.bytes - r.incomingBytes;
  console.log(
    `\nspool drain after S3's return (the gateway answered ${outage.gatewayStartS.toFixed(1)} s after radosgw was started; times from then):`,
  );
  console.log(
    `  at S3's return: ${r.assets} assets in the spool, spool_objects ${r.objects} rows, ${(r.bytes / MB).toFixed(1)} MB ` +
      `(${r.objects - r.incoming} image objects, ${(imageBytes / MB).toFixed(1)} MB; ${r.incoming} upload copies under incoming/, ${(r.incomingBytes / MB).toFixed(1)} MB); ` +
      `purge queue ${r.purges} rows, up to ${r.purgeMaxAttempts} failed attempts, the last due in ${r.purgeDueInS.toFixed(1)} s; ` +
      `${r.leased} spooled assets under a replication lease${r.leased > 0 ? ` (the last ends in ${r.leaseEndsInS.toFixed(1)} s)` : ''}`,
  );
  if (outage.progress.length > 0) {
    console.log(
      `  progress (s: assets in the spool / spool_objects rows / assets leased / purges queued): ${outage.progress.map(([s, a, o, l, p]) => `${s.toFixed(0)}: ${a}/${o}/${l}/${p}`).join(', ')}`,
    );
  }
  const at = (s: number | undefined) => (s === undefined ? '—' : `${s.toFixed(1)} s`);
  console.log(
    `  assets out of the spool: the first after ${at(outage.firstMovedS)}, half after ${at(outage.halfS)}, 90 % after ${at(outage.ninetyS)}, all after ${at(outage.assetsEmptyS)}`,
  );
  console.log(
    `  no asset left in the spool after ${outage.assetsEmptyS.toFixed(1)} s: ${(r.assets / outage.assetsEmptyS).toFixed(1)} images/s, ` +
      `${(imageBytes / MB / outage.assetsEmptyS).toFixed(1)} MB/s of image objects`,
  );
  console.log(
    `  spool_objects empty after ${outage.objectsEmptyS.toFixed(1)} s: ${(r.assets / outage.objectsEmptyS).toFixed(1)} images/s, ` +
      `${(r.bytes / MB / outage.objectsEmptyS).toFixed(1)} MB/s of everything the spool held  (MB = 10^6 bytes)`,
  );
  console.log(`\nGET /metrics after the drain:\n${curl}`);
  for (const line of outage.metricsAfter) console.log(line);
  if (outage.readyzAfter !== undefined) {
    console.log(
      `  the web process's breaker is not closed yet (it has made no S3 call since the outage); GET /readyz: ${outage.readyzAfter}`,
    );
    console.log(`  then: ${outage.breakerAfterReadyz.join(' ') || '(no breaker line)'}`);
  }
  console.log(`after the drain: ${outage.verified}`);

  for (const [mode, server] of [
    ['normal', normal.server],
    ['fallback', outage.server],
  ] as const) {
    console.log(
      `\nserver log at LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'warn'}, ${mode} mode (web and worker process), grouped: ${server.log.length === 0 ? 'nothing' : `${server.log.length} lines`}`,
    );
    for (const line of logSummary(server)) console.log(`  ${line}`);
  }
  const afterReturn = outage.server.log.slice(outage.logAtReturn);
  console.log(
    `\nof these, written after the gateway was started again: ${afterReturn.length === 0 ? 'nothing' : `${afterReturn.length} lines`}`,
  );
  for (const line of logSummary(outage.server, afterReturn)) console.log(`  ${line}`);
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s (cluster start included, clean-up not)`);
}

await runBench(main);
