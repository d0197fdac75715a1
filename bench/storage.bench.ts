/**
 * npm run bench:storage — the S3 driver (behind the `Store` facade) beside the raw AWS SDK, in the same run, on the same
 * server (the project's Ceph RGW unless S3_ENDPOINT points elsewhere):
 *   - 64 KiB and 1 MiB put and get: p50, p99 and driver/raw ratio (requests interleaved, so
 *     both see the same machine noise);
 *   - a 200 MiB streamed put of unknown length (multipart), in a child process, with the peak
 *     RSS growth over the process's RSS before the put — for the driver and for the raw
 *     lib-storage Upload.
 * Prints a table; figures are for comparison within one run, not absolute.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, DeleteBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createS3Client } from '../src/storage/s3/s3-client.js';
import { S3Driver } from '../src/storage/s3/s3-driver.js';
import { Store } from '../src/storage/store.js';

const STREAM_BYTES = 200 * 1024 * 1024;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of body) n += chunk.length;
  return n;
}

function s3Setup(bucket: string) {
  const config = loadConfig({ ...process.env, S3_BUCKET: bucket, STORAGE_DRIVER: 's3' });
  if (config.s3.endpoint === undefined) throw new Error('S3_ENDPOINT is not set: run through `npm run bench:storage`');
  const client = createS3Client(config.s3);
  // Through the facade, as the app builds it; the driver makes (and closes) a client of its own.
  const store = new Store(new S3Driver({ s3: config.s3, logger: silentLogger }));
  return { config, client, store };
}

interface Row {
  op: string;
  p50: [number, number];
  p99: [number, number];
}

async function latency(bucket: string, client: S3Client, store: Store, size: number, iterations: number): Promise<Row[]> {
  const body = randomBytes(size);
  const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : `${size / 1024} KiB`;
  const put: [number[], number[]] = [[], []];
  const get: [number[], number[]] = [[], []];
  const warmup = 10;
  for (let i = 0; i < iterations + warmup; i++) {
    const rawKey = `bench/raw/${size}/${i}`;
    const drvKey = `bench/drv/${size}/${i}`;
    // Alternate which goes first so neither always gets the warmer connection.
    const order = i % 2 === 0 ? ['raw', 'drv'] : ['drv', 'raw'];
    for (const who of order) {
      const ms =
        who === 'raw'
          ? await time(() =>
              client.send(new PutObjectCommand({ Bucket: bucket, Key: rawKey, Body: body, ContentType: 'application/octet-stream' })),
            )
          : await time(() => store.put(drvKey, body, { contentType: 'application/octet-stream' }));
      if (i >= warmup) put[who === 'raw' ? 0 : 1].push(ms);
    }
    for (const who of order) {
      const ms =
        who === 'raw'
          ? await time(async () => {
              const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: rawKey }));
              await drain(res.Body as AsyncIterable<Uint8Array>);
            })
          : await time(async () => drain((await store.get(drvKey)).body));
      if (i >= warmup) get[who === 'raw' ? 0 : 1].push(ms);
    }
  }
  const row = (op: string, [raw, drv]: [number[], number[]]): Row => {
    raw.sort((a, b) => a - b);
    drv.sort((a, b) => a - b);
    return { op: `${op} ${label}`, p50: [percentile(raw, 50), percentile(drv, 50)], p99: [percentile(raw, 99), percentile(drv, 99)] };
  };
  return [row('put', put), row('get', get)];
}

/** Child process: one 200 MiB put of unknown length; prints {peakGrowthMb, ms, sha256?} as JSON. */
async function streamChild(mode: 'driver' | 'raw', bucket: string): Promise<void> {
  const { config, client, store } = s3Setup(bucket);
  const chunk = randomBytes(64 * 1024);
  let sent = 0;
  const source = () =>
    new Readable({
      read() {
        if (sent >= STREAM_BYTES) return this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  if (mode === 'driver') {
    await store.put(`bench/stream/driver`, source(), { contentType: 'application/octet-stream' });
  } else {
    await new Upload({
      client,
      params: { Bucket: bucket, Key: 'bench/stream/raw', Body: source(), ContentType: 'application/octet-stream' },
      partSize: config.s3.partSize,
      queueSize: 4,
    }).done();
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(JSON.stringify({ peakGrowthMb: (peak - before) / 1e6, ms }) + '\n');
  await store.close();
  client.destroy();
}

async function main(): Promise<void> {
  const childIndex = process.argv.indexOf('--stream-child');
  if (childIndex !== -1) return streamChild(process.argv[childIndex + 1] as 'driver' | 'raw', process.argv[childIndex + 2]!);

  const bucket = `bench-${Date.now()}`;
  const { client, store } = s3Setup(bucket);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  try {
    const iterations = Number(process.env.BENCH_ITERATIONS ?? 150);
    const rows = [
      ...(await latency(bucket, client, store, 64 * 1024, iterations)),
      ...(await latency(bucket, client, store, 1024 * 1024, iterations)),
    ];
    console.log(`\nstorage latency, ${iterations} requests each, interleaved (ms; ratio = driver / raw SDK)`);
    console.log('op            raw p50  drv p50  ratio    raw p99  drv p99  ratio');
    for (const r of rows) {
      const f = (n: number) => n.toFixed(2).padStart(7);
      console.log(
        `${r.op.padEnd(12)} ${f(r.p50[0])}  ${f(r.p50[1])}  ${(r.p50[1] / r.p50[0]).toFixed(3)}   ${f(r.p99[0])}  ${f(r.p99[1])}  ${(r.p99[1] / r.p99[0]).toFixed(3)}`,
      );
    }

    console.log(`\n${STREAM_BYTES / 1024 / 1024} MiB streamed put of unknown length (multipart), each in a fresh process`);
    for (const mode of ['raw', 'driver'] as const) {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), '--stream-child', mode, bucket],
        {
          env: process.env,
          encoding: 'utf8',
        },
      );
      if (child.status !== 0) throw new Error(`${mode} stream child failed: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { peakGrowthMb: number; ms: number };
      console.log(
        `${mode.padEnd(7)} peak RSS growth ${result.peakGrowthMb.toFixed(1).padStart(6)} MB   ${(result.ms / 1000).toFixed(2)} s   ${(STREAM_BYTES / 1e6 / (result.ms / 1000)).toFixed(0)} MB/s`,
      );
    }
  } finally {
    for await (const object of store.listAll('')) await store.delete(object.key);
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    await store.close();
    client.destroy();
  }
}

await main();
