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
 *   npm run bench:upload            # BENCH_UPLOADS_C1, BENCH_UPLOADS_C8, BENCH_LIST_REQUESTS to change the counts
 *
 * Figures are for comparison within one run, not absolute: the client, the server, the RGW
 * and PostgreSQL share the machine's cores.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from '../test/storage/s3-test-env.js';
import { makePhoto, PHOTO_HEIGHT, PHOTO_WIDTH } from './make-photo.js';

const count = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const UPLOADS_C1 = count('BENCH_UPLOADS_C1', 60);
const UPLOADS_C8 = count('BENCH_UPLOADS_C8', 160);
const LIST_REQUESTS = count('BENCH_LIST_REQUESTS', 200);
const LIST_PRODUCTS = 50;
const WARMUP = 5;
const CONCURRENCY = 8;
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'correct horse battery';

// ---------------------------------------------------------------------------------------------
// What is set up is taken down again, in reverse order (servers before their databases and buckets).

const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      console.error(`cleanup: ${(err as Error).message}`);
    }
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function scratchDatabase(): Promise<string> {
  const name = `vitrina_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function scratchBucket(s3: S3Client): Promise<string> {
  const bucket = uniqueBucketName('bench');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  cleanups.push(() => destroyBucket(s3, bucket));
  return bucket;
}

// ---------------------------------------------------------------------------------------------
// `vitrina serve` as a child process.

interface Server {
  readonly label: string;
  readonly base: string;
  /** Every line the server wrote (LOG_LEVEL=warn: only warnings and errors, as pino JSON). */
  readonly log: string[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startServer(label: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrina-bench-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['S3_PUBLIC_URL', 'CDN_URL', 'IMAGE_VARIANTS', 'IMAGE_WORKERS', 'APP_URL', 'S3_BUCKET_NAME', 'JOBS']) delete childEnv[name];
  Object.assign(childEnv, {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'off',
    STORAGE_DRIVER: 's3',
    // A secret of its own, so nothing is written to the checkout's ./data.
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('hex'),
    ...env,
  });
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/vitrina.js'), 'serve'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const collect = (stream: NodeJS.ReadableStream, prefix: string) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') log.push(prefix + line);
    });
  };
  collect(child.stdout!, '');
  collect(child.stderr!, 'stderr: ');
  let exitedWith: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedWith = signal ?? String(code);
      resolve();
    }),
  );
  let stopping = false;
  const stop = async () => {
    if (exitedWith === undefined) {
      stopping = true;
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (exitedWith === undefined) {
        child.kill('SIGKILL');
        await exited;
      }
    }
  };
  cleanups.push(stop);
  child.once('exit', () => {
    if (!stopping) console.error(`\n[${label}] server exited unexpectedly (${exitedWith}):\n${log.slice(-20).join('\n')}`);
  });

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitedWith !== undefined) throw new Error(`[${label}] server exited (${exitedWith}) before answering /healthz:\n${log.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`[${label}] server did not answer /healthz within 60 s:\n${log.join('\n')}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(100);
  }
  return { label, base, log, stop };
}

// ---------------------------------------------------------------------------------------------
// A browser: keeps cookies, reads a page's CSRF token, posts forms; never follows redirects.

interface Answer {
  status: number;
  location: string;
  body: string;
  ms: number;
}

class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly server: Server) {}

  async send(method: 'GET' | 'POST', pathname: string, body?: FormData | URLSearchParams): Promise<Answer> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const t0 = performance.now();
    const res = await fetch(this.server.base + pathname, { method, body, redirect: 'manual', headers: { accept: 'text/html', cookie } });
    const text = await res.text();
    const ms = performance.now() - t0;
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location') ?? '', body: text, ms };
  }

  /** GET a page and return its form's `_csrf`. */
  async csrfOf(pathname: string): Promise<string> {
    const page = await this.send('GET', pathname);
    const token = /name="_csrf" value="([^"]*)"/.exec(page.body)?.[1];
    if (page.status !== 200 || token === undefined) throw this.failure(`GET ${pathname}`, page, 'a page with a CSRF token');
    return token;
  }

  async signUp(tenantName: string, email: string): Promise<void> {
    const csrf = await this.csrfOf('/signup');
    const res = await this.send('POST', '/signup', new URLSearchParams({ tenant_name: tenantName, email, password: PASSWORD, _csrf: csrf }));
    if (res.status !== 302 || res.location !== '/products') throw this.failure('POST /signup', res, '302 to /products');
  }

  /** A page's flash and field messages and the server's recent log, for an error that says what happened. */
  failure(what: string, res: Answer, expected: string): Error {
    const messages = [...res.body.matchAll(/class="(?:flash[^"]*|field-error[^"]*|error[^"]*)"[^>]*>([^<]+)</g)].map((m) => m[1]!.trim());
    const text = messages.length > 0 ? messages.join(' | ') : res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
    const log = this.server.log.slice(-15).join('\n  ');
    return new Error(
      `[${this.server.label}] ${what} answered ${res.status}${res.location ? ` → ${res.location}` : ''}, expected ${expected}.\n` +
        `  page says: ${text || '(empty body)'}\n  server log (last lines): ${log ? `\n  ${log}` : '(nothing)'}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The measured operations.

interface Uploader {
  /** One POST /products/new with the photo under a fresh SKU; resolves to its time in ms, throws unless 302 → /products/{id}. */
  upload(): Promise<number>;
}

async function uploader(browser: Browser, photo: Buffer, label: string): Promise<Uploader> {
  const csrf = await browser.csrfOf('/products/new');
  const blob = new Blob([new Uint8Array(photo)], { type: 'image/jpeg' });
  let n = 0;
  return {
    async upload() {
      const sku = `BENCH-${++n}`;
      const form = new FormData();
      form.append('_csrf', csrf);
      form.append('name', `Bench photo ${n}`);
      form.append('sku', sku);
      form.append('uom_id', '1');
      form.append('sale_price', '19.90');
      form.append('description', `uploaded by bench/upload.bench.ts (${label})`);
      form.append('image', blob, `IMG_${String(n).padStart(4, '0')}.jpg`);
      const res = await browser.send('POST', '/products/new', form);
      if (res.status !== 302 || !/^\/products\/\d+$/.test(res.location)) throw browser.failure(`POST /products/new (sku ${sku})`, res, '302 to /products/{id}');
      return res.ms;
    },
  };
}

async function rawPut(s3: S3Client, bucket: string, key: string, bytes: Buffer): Promise<number> {
  const t0 = performance.now();
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'image/jpeg' }));
  return performance.now() - t0;
}

/** Runs `total` tasks, `concurrency` at a time; stops starting new ones after the first failure. */
async function atConcurrency(total: number, concurrency: number, task: (i: number) => Promise<number>): Promise<{ ms: number; times: number[] }> {
  let next = 0;
  let failed = false;
  const times: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!failed && next < total) {
        const i = next++;
        try {
          times.push(await task(i));
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    }),
  );
  return { ms: performance.now() - t0, times };
}

/** Assets not yet `ready`; throws on a `broken` one (it would never drain). */
async function pendingAssets(pool: pg.Pool): Promise<{ pending: number; total: number }> {
  const { rows } = await pool.query<{ pending: number; broken: number; total: number; error: string | null }>(
    `select count(*) filter (where status <> 'ready')::int as pending, count(*) filter (where status = 'broken')::int as broken,
            count(*)::int as total, max(last_error) filter (where status = 'broken') as error from assets`,
  );
  const row = rows[0]!;
  if (row.broken > 0) throw new Error(`${row.broken} uploaded image(s) are broken (processing gave up): ${row.error}`);
  return row;
}

/** Polls until every asset is ready (`select count(*) from assets where status <> 'ready'` is 0); resolves to the time it was. */
async function untilProcessed(pool: pg.Pool, expected: number, label: string): Promise<number> {
  const deadline = performance.now() + 180_000;
  for (;;) {
    const { pending, total } = await pendingAssets(pool);
    if (pending === 0) {
      if (total !== expected) throw new Error(`[${label}] ${total} assets in the database, expected ${expected}`);
      return performance.now();
    }
    if (performance.now() > deadline) throw new Error(`[${label}] ${pending} of ${total} images still not processed after 180 s`);
    await sleep(50);
  }
}

/**
 * Waits (at most 30 s) for the purge queue to empty — the uploads' private copies are deleted
 * after processing — so stopping the server does not abort purges in flight. Resolves to what is left.
 */
async function untilPurged(pool: pg.Pool): Promise<number> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const left = (await pool.query<{ n: number }>('select count(*)::int as n from purge_queue')).rows[0]!.n;
    if (left === 0 || performance.now() > deadline) return left;
    await sleep(100);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function p50p99(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

// ---------------------------------------------------------------------------------------------
// The modes.

interface Env {
  s3: S3Client;
  endpoint: string;
  /** Where the raw PutObjects go: a bucket of their own on the same RGW. */
  baselineBucket: string;
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
  const server = await startServer(label, { DATABASE_URL: databaseUrl, S3_BUCKET: bucket, ...extraEnv });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  cleanups.push(() => pool.end());
  const browser = new Browser(server);
  await browser.signUp(`Bench ${label}`, `bench@${label.replace(/\W+/g, '-')}.test`);
  const client = await uploader(browser, env.photo, label);
  let uploaded = 0;
  const upload = () => client.upload().finally(() => uploaded++);

  process.stderr.write('warm-up… ');
  for (let i = 0; i < WARMUP; i++) {
    await upload();
    await rawPut(env.s3, env.baselineBucket, `${label}/warmup/${i}`, env.photo);
  }
  await untilProcessed(pool, uploaded, label);

  process.stderr.write('c=1… ');
  const app1: number[] = [];
  const raw1: number[] = [];
  for (let i = 0; i < UPLOADS_C1; i++) {
    // Alternate which goes first so neither always gets the warmer connection.
    for (const who of i % 2 === 0 ? ['raw', 'app'] : ['app', 'raw']) {
      if (who === 'app') app1.push(await upload());
      else raw1.push(await rawPut(env.s3, env.baselineBucket, `${label}/c1/${i}`, env.photo));
    }
  }
  const c1End = performance.now();
  const c1Backlog = (await pendingAssets(pool)).pending;
  const c1Drained = await untilProcessed(pool, uploaded, label);

  process.stderr.write('c=8 raw… ');
  const raw8 = await atConcurrency(UPLOADS_C8, CONCURRENCY, (i) => rawPut(env.s3, env.baselineBucket, `${label}/c8/${i}`, env.photo));

  process.stderr.write('c=8 app… ');
  const t0 = performance.now();
  const app8 = await atConcurrency(UPLOADS_C8, CONCURRENCY, () => upload());
  const accepted = t0 + app8.ms;
  const c8Backlog = (await pendingAssets(pool)).pending;
  const drained = await untilProcessed(pool, uploaded, label);
  const purgeLeft = await untilPurged(pool);
  process.stderr.write('done\n');

  await server.stop();
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
  const server = await startServer(label, { DATABASE_URL: databaseUrl, S3_BUCKET: bucket, ...(mode === 'public' ? { S3_PUBLIC_URL: publicUrl } : {}) });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  cleanups.push(() => pool.end());
  const browser = new Browser(server);
  await browser.signUp(`Bench ${label}`, `bench@${label.replace(/\W+/g, '-')}.test`);
  const client = await uploader(browser, env.photo, label);

  process.stderr.write(`${LIST_PRODUCTS} products… `);
  await atConcurrency(LIST_PRODUCTS, 4, () => client.upload());
  await untilProcessed(pool, LIST_PRODUCTS, label);

  // The page must show ready images with URLs of the mode under test, and the first must load.
  const page = await browser.send('GET', '/products');
  if (page.status !== 200) throw browser.failure('GET /products', page, '200');
  const srcs = [...page.body.matchAll(/<img class="thumb" src="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const wrong = srcs.filter((src) => (mode === 'public' ? !src.startsWith(`${publicUrl}/t/`) : !/X-Amz-Signature=/.test(src)));
  if (srcs.length === 0 || wrong.length > 0) throw new Error(`[${label}] GET /products shows ${srcs.length} images, ${wrong.length} not ${mode} URLs: ${wrong[0] ?? ''}`);
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
  return { label, list: p50p99(list), healthz: p50p99(healthz), onPage: srcs.length, imageCheck, firstMs: page.ms, purgeLeft, log: server.log };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!process.env.S3_ENDPOINT) throw new Error('S3_ENDPOINT is not set: run through `npm run bench:upload` (scripts/with-rgw.sh)');
  const s3Config = testS3Config();
  const s3 = rawS3Client(s3Config);
  cleanups.push(async () => s3.destroy());
  const pgVersion = await (async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    try {
      return (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
    } finally {
      await c.end();
    }
  })();

  const photo = await makePhoto();
  const baselineBucket = await scratchBucket(s3);
  const env: Env = { s3, endpoint: s3Config.endpoint!, baselineBucket, photo };
  const cores = os.availableParallelism();
  console.log(
    `machine: ${cores} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
      `Node ${process.version} ${process.platform}/${process.arch}, PostgreSQL ${pgVersion}, S3 ${s3Config.endpoint}`,
  );
  console.log(`  the client, the server, the RGW and PostgreSQL share these cores; the server's image workers (IMAGE_WORKERS default): ${Math.max(1, cores - 1)}`);
  console.log(`photo: ${PHOTO_WIDTH}×${PHOTO_HEIGHT} JPEG, ${(photo.length / 1048576).toFixed(2)} MiB (${photo.length} bytes), EXIF orientation 6 + GPS`);
  console.log(
    `runs: per upload mode ${WARMUP} warm-up uploads, c=1 ${UPLOADS_C1} uploads interleaved with ${UPLOADS_C1} raw PutObjects, ` +
      `c=${CONCURRENCY} ${UPLOADS_C8} raw PutObjects then ${UPLOADS_C8} uploads; list: ${LIST_PRODUCTS} products, ${LIST_REQUESTS} GETs interleaved with GET /healthz\n`,
  );

  const started = performance.now();
  const uploads = [
    await uploadMode('full processing', env, {}),
    await uploadMode('variants off', env, { IMAGE_VARIANTS: 'false' }),
  ];
  const lists = [await listMode('public URLs', env, 'public'), await listMode('signed URLs', env, 'signed')];

  const f = (n: number, width = 7, digits = 1) => n.toFixed(digits).padStart(width);
  const x = (n: number) => `${n.toFixed(2)}×`.padStart(7);

  console.log(`\nuploads at c=1: POST /products/new (multipart, logged in) beside a raw SDK PutObject of the same bytes (ms; ratio = upload / raw)`);
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
  console.log('mode               raw puts/s  accepted/s   ratio   sustained/s   ratio   backlog at last 302   drain (images/s)   upload p50/p99 ms');
  for (const u of uploads) {
    const c = u.c8;
    console.log(
      `${u.label.padEnd(17)} ${f(c.rawPerS, 10)}  ${f(c.acceptedPerS, 10)}  ${x(c.acceptedPerS / c.rawPerS)}   ${f(c.sustainedPerS, 11)}  ${x(c.sustainedPerS / c.rawPerS)}   ` +
        `${String(c.backlog).padStart(10)} images   ${f(c.drainS, 5)} s (${f(c.backlog / c.drainS, 4)})   ${c.app.p50.toFixed(0)} / ${c.app.p99.toFixed(0)}`,
    );
  }
  console.log('  accepted = 302s answered per second; sustained = uploads per second until every image is processed (assets all ready);');
  console.log('  drain = from the last 302 until no asset is left that is not ready, with the processing rate meanwhile');

  console.log(`\nGET /products with ${LIST_PRODUCTS} ready products, c=1, ${LIST_REQUESTS} requests (ms; ratio = list / GET /healthz on the same server)`);
  console.log('mode               healthz p50  list p50   ratio   healthz p99  list p99   ratio   first GET   images on the page; first image fetched');
  for (const l of lists) {
    console.log(
      `${l.label.padEnd(17)} ${f(l.healthz.p50, 11, 2)}  ${f(l.list.p50, 8, 2)}  ${x(l.list.p50 / l.healthz.p50)}   ${f(l.healthz.p99, 11, 2)}  ${f(l.list.p99, 8, 2)}  ${x(l.list.p99 / l.healthz.p99)}   ` +
        `${f(l.firstMs, 6)} ms   ${l.onPage}; ${l.imageCheck}`,
    );
  }

  console.log('  first GET = the first render after the images were ready, before the warm-up (signed mode: no URL signed yet)');

  console.log('\nreference figures from issue 3 — the first app (Flask + boto3, no image processing), measured elsewhere, NOT in this run:');
  console.log('  upload p50 ≈ 40 ms; ≈ 40 uploads/s at c=8; GET /products p50 ≈ 11 ms');

  for (const r of [...uploads, ...lists]) {
    const purge = r.purgeLeft === 0 ? 'purge queue empty at stop' : `${r.purgeLeft} purges still queued 30 s after the drain`;
    console.log(`\nserver log at LOG_LEVEL=warn, ${r.label} (${purge}): ${r.log.length === 0 ? 'nothing' : `${r.log.length} lines`}`);
    for (const line of r.log.slice(0, 10)) console.log(`  ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
  }
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s of measuring (set-up and clean-up not counted)`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  });
}
try {
  await main();
} finally {
  await cleanUp();
}
