/**
 * What the HTTP benchmarks share: scratch PostgreSQL databases and buckets, `vitrina serve` in a
 * child process, a logged-in browser that posts the upload form, and p50/p99. Everything set up
 * here is registered for clean-up and taken down in reverse order (servers before their
 * databases and buckets) by {@link runBench}, also on failure or Ctrl-C.
 *
 * @example
 *   await runBench(async () => {
 *     const server = await startServer('mode', { DATABASE_URL: await scratchDatabase(), S3_BUCKET: await scratchBucket(s3) });
 *     const browser = new Browser(server);
 *     await browser.signUp('Bench', 'bench@mode.test');
 *     const client = await uploader(browser, photo, { label: 'mode', by: 'bench/x.bench.ts' });
 *     const ms = await client.upload();
 *   });
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { freePort } from '../src/free-port.js';
import { destroyBucket, uniqueBucketName } from '../test/storage/s3-test-env.js';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'correct horse battery';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a raw SDK call may take: the raw clients have no timeouts, and a stuck RGW would otherwise hang the run. */
const RAW_CALL_MS = 30_000;

/** `s3.send(command)` that fails after {@link RAW_CALL_MS} with a message saying which call got no answer. */
async function sendRaw<T>(s3: S3Client, what: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(RAW_CALL_MS);
  try {
    return await send(signal);
  } catch (err) {
    if (!signal.aborted) throw err;
    const endpoint = await s3.config.endpoint?.().then(
      (e) => `${e.protocol}//${e.hostname}:${e.port ?? ''}`,
      () => 'the S3 server',
    );
    throw new Error(`${what} to ${endpoint} got no answer within ${RAW_CALL_MS / 1000} s (is that RGW stuck or full?)`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------
// What is set up is taken down again, in reverse order (servers before their databases and buckets).

const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;

/** Registers a clean-up step; steps run last-registered first. */
export function onCleanup(step: () => Promise<unknown>): void {
  cleanups.push(step);
}

/** Runs every step once, however many callers ask (the signal handler and main's `finally` both do). */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()!();
      } catch (err) {
        console.error(`cleanup: ${(err as Error).message}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Runs a benchmark's main, then every clean-up step — also when it throws, or on SIGINT/SIGTERM
 * (exit 130 once everything is cleaned up; main failing meanwhile, because its server went
 * away, must not end the process before that).
 */
export async function runBench(main: () => Promise<void>): Promise<void> {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx),
    // and a second signal with no handler would kill it half-way through the clean-up.
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\n${signal}: cleaning up…`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (err) {
    // Interrupted: the signal handler exits with 130 once the clean-up is done.
    if (!interrupted) throw err;
  } finally {
    await cleanUp();
    KEEP_ALIVE.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Scratch databases and buckets.

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  } finally {
    await client.end();
  }
}

/** A fresh database on the benchmark's PostgreSQL (dropped at clean-up); resolves to its URL. */
export async function scratchDatabase(): Promise<string> {
  const name = `vitrina_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  onCleanup(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh bucket, emptied and deleted at clean-up (or before, by `dropBucket`) unless `keep` (e.g. it goes with its whole cluster). */
export async function scratchBucket(s3: S3Client, options: { keep?: boolean } = {}): Promise<string> {
  const bucket = uniqueBucketName('bench');
  await sendRaw(s3, `CreateBucket ${bucket}`, (abortSignal) => s3.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal }));
  if (!options.keep) onCleanup(() => dropBucket(s3, bucket));
  return bucket;
}

const dropped = new Set<string>();

/**
 * Empties and deletes a scratch bucket now. The test RGW keeps every object in memory, and its
 * OSD slows down as that memory grows: each mode drops what it stored before the next one runs,
 * so that no mode measures against the objects of the ones before it.
 */
export async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  if (dropped.has(bucket)) return;
  dropped.add(bucket);
  await destroyBucket(s3, bucket);
}

/** A pool on a scratch database, ended at clean-up. */
export function databasePool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  onCleanup(() => pool.end());
  return pool;
}

// ---------------------------------------------------------------------------------------------
// `vitrina serve` as a child process.

export interface Server {
  readonly label: string;
  readonly base: string;
  /** The web process's PID (its log lines carry it; the JOBS=process worker's carry its own). */
  readonly pid: number | undefined;
  /** Every line the server wrote (LOG_LEVEL=warn: only warnings and errors, as pino JSON). */
  readonly log: string[];
  stop(): Promise<void>;
}

/**
 * Starts `node bin/vitrina.js serve` on a free port with `env` over the benchmark's environment
 * (LOG_LEVEL=warn, no demo data, the S3 driver, a data folder and secret of its own) and waits
 * for GET /healthz. Stopped at clean-up if not before.
 */
export async function startServer(label: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrina-bench-'));
  onCleanup(() => rm(dataDir, { recursive: true, force: true }));
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['S3_PUBLIC_URL', 'CDN_URL', 'IMAGE_VARIANTS', 'IMAGE_WORKERS', 'APP_URL', 'S3_BUCKET_NAME', 'JOBS'])
    delete childEnv[name];
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
  // BENCH_SERVER_NODE_ARGS: node flags for the server (e.g. --cpu-prof), to look inside a run.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin/vitrina.js'), 'serve'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  onCleanup(stop);
  child.once('exit', () => {
    if (!stopping) console.error(`\n[${label}] server exited unexpectedly (${exitedWith}):\n${log.slice(-20).join('\n')}`);
  });

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitedWith !== undefined) throw new Error(`[${label}] server exited (${exitedWith}) before answering /healthz:\n${log.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`[${label}] server did not answer /healthz within 60 s:\n${log.join('\n')}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  return { label, base, pid: child.pid, log, stop };
}

// ---------------------------------------------------------------------------------------------
// A browser: keeps cookies, reads a page's CSRF token, posts forms; never follows redirects.

/** A request body as it goes on the wire. */
export interface EncodedBody {
  type: string;
  bytes: Buffer;
}

const KEEP_ALIVE = new http.Agent({ keepAlive: true, maxSockets: 32 });

export interface Answer {
  status: number;
  location: string;
  body: string;
  ms: number;
}

export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(readonly server: Server) {}

  /**
   * One request over a kept-alive connection with node:http, a body already encoded: a client
   * as light as we can make it, since it shares the machine's cores with the server it measures
   * (fetch and FormData cost ~7 ms of CPU per 1 MiB upload here; a browser pays that on its own machine).
   */
  async send(method: 'GET' | 'POST', pathname: string, body?: URLSearchParams | EncodedBody): Promise<Answer> {
    const encoded: EncodedBody | undefined =
      body instanceof URLSearchParams ? { type: 'application/x-www-form-urlencoded', bytes: Buffer.from(body.toString()) } : body;
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') headers.cookie = cookie;
    if (encoded !== undefined) {
      headers['content-type'] = encoded.type;
      headers['content-length'] = String(encoded.bytes.length);
    }
    const t0 = performance.now();
    const res = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = http.request(this.server.base + pathname, { method, headers, agent: KEEP_ALIVE }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        incoming.on('error', reject);
      });
      req.on('error', reject);
      req.end(encoded?.bytes);
    });
    const ms = performance.now() - t0;
    for (const line of res.headers['set-cookie'] ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = res.headers.location;
    return { status: res.status, location: typeof location === 'string' ? location : '', body: res.text, ms };
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
    const res = await this.send(
      'POST',
      '/signup',
      new URLSearchParams({ tenant_name: tenantName, email, password: PASSWORD, _csrf: csrf }),
    );
    if (res.status !== 302 || res.location !== '/products') throw this.failure('POST /signup', res, '302 to /products');
  }

  /** A page's flash and field messages and the server's recent log, for an error that says what happened. */
  failure(what: string, res: Answer, expected: string): Error {
    const messages = [...res.body.matchAll(/class="(?:flash[^"]*|field-error[^"]*|error[^"]*)"[^>]*>([^<]+)</g)].map((m) => m[1]!.trim());
    const text =
      messages.length > 0
        ? messages.join(' | ')
        : res.body
            .replace(/<[^<>]+>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
            .slice(0, 300);
    const log = this.server.log.slice(-15).join('\n  ');
    return new Error(
      `[${this.server.label}] ${what} answered ${res.status}${res.location ? ` → ${res.location}` : ''}, expected ${expected}.\n` +
        `  page says: ${text || '(empty body)'}\n  server log (last lines): ${log ? `\n  ${log}` : '(nothing)'}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The measured operations.

export interface Uploader {
  /** One POST /products/new with the photo under a fresh SKU; resolves to its time in ms, throws unless 302 → /products/{id}. */
  upload(): Promise<number>;
}

/** Posts the new-product form with `photo`; `by` names the benchmark in each product's description. */
export async function uploader(browser: Browser, photo: Buffer, options: { label: string; by: string }): Promise<Uploader> {
  const csrf = await browser.csrfOf('/products/new');
  let n = 0;
  return {
    async upload() {
      const sku = `BENCH-${++n}`;
      const body = multipartBody(
        {
          _csrf: csrf,
          name: `Bench photo ${n}`,
          sku,
          uom_id: '1',
          sale_price: '19.90',
          description: `uploaded by ${options.by} (${options.label})`,
        },
        { field: 'image', fileName: `IMG_${String(n).padStart(4, '0')}.jpg`, type: 'image/jpeg', bytes: photo },
      );
      const res = await browser.send('POST', '/products/new', body);
      if (res.status !== 302 || !/^\/products\/\d+$/.test(res.location))
        throw browser.failure(`POST /products/new (sku ${sku})`, res, '302 to /products/{id}');
      return res.ms;
    },
  };
}

/** A multipart/form-data body as a browser sends it: the text fields, then one file. */
export function multipartBody(
  fields: Record<string, string>,
  file: { field: string; fileName: string; type: string; bytes: Buffer },
): EncodedBody {
  const boundary = `----vitrina-bench-${randomBytes(12).toString('hex')}`;
  let head = '';
  for (const [name, value] of Object.entries(fields))
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.fileName}"\r\nContent-Type: ${file.type}\r\n\r\n`;
  const bytes = Buffer.concat([Buffer.from(head, 'utf8'), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
  return { type: `multipart/form-data; boundary=${boundary}`, bytes };
}

/** One raw SDK PutObject; resolves to its time in ms. */
export async function rawPut(s3: S3Client, bucket: string, key: string, bytes: Buffer): Promise<number> {
  const t0 = performance.now();
  await sendRaw(s3, `PutObject ${bucket}/${key}`, (abortSignal) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'image/jpeg' }), { abortSignal }),
  );
  return performance.now() - t0;
}

/** Runs `total` tasks, `concurrency` at a time; stops starting new ones after the first failure. */
export async function atConcurrency(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<number>,
): Promise<{ ms: number; times: number[] }> {
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

// ---------------------------------------------------------------------------------------------
// Polling the scratch database.

/** Assets not yet `ready`; throws on a `broken` one (it would never drain). */
export async function pendingAssets(pool: pg.Pool): Promise<{ pending: number; total: number }> {
  const { rows } = await pool.query<{ pending: number; broken: number; total: number; error: string | null }>(
    `select count(*) filter (where status <> 'ready')::int as pending, count(*) filter (where status = 'broken')::int as broken,
            count(*)::int as total, max(last_error) filter (where status = 'broken') as error from assets`,
  );
  const row = rows[0]!;
  if (row.broken > 0) throw new Error(`${row.broken} uploaded image(s) are broken (processing gave up): ${row.error}`);
  return row;
}

/** Polls until every asset is ready (`select count(*) from assets where status <> 'ready'` is 0); resolves to the time it was. */
export async function untilProcessed(pool: pg.Pool, expected: number, label: string): Promise<number> {
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
 * Waits (at most `maxMs`, 30 s by default) for the purge queue to empty — the uploads' private
 * copies are deleted after processing — so stopping the server does not abort purges in flight.
 * Resolves to what is left.
 */
export async function untilPurged(pool: pg.Pool, maxMs = 30_000): Promise<number> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const left = (await pool.query<{ n: number }>('select count(*)::int as n from purge_queue')).rows[0]!.n;
    if (left === 0 || performance.now() > deadline) return left;
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Figures.

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Nearest-rank p50 and p99. */
export function p50p99(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** One line about the machine the figures come from. */
export function machineLine(pgVersion: string, s3: string): string {
  return (
    `machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
    `Node ${process.version} ${process.platform}/${process.arch}, PostgreSQL ${pgVersion}, S3 ${s3}`
  );
}
