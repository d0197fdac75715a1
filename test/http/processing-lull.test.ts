/**
 * Image processing runs in the lulls between the web server's requests (jobs/idle-gate.ts): an
 * upload is answered as soon as it is stored, and its image is processed once no request has
 * been in flight for a moment — on both stacks through the pages (JOBS=inline), and with the
 * real `vitrina serve`, whose worker process hears of the lulls over IPC (JOBS=process).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/free-port.js';
import { makeImage } from '../media/media-fixtures.js';
import { createBucket, destroyBucket, rawS3Client, s3Env, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer } from '../support/run-cli.js';
import { productIdFrom, WebClient } from '../support/web-client.js';

describe.each(STACKS)('image processing and requests on %s', (stack) => {
  let t: TestApp;
  let web: WebClient;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp(stack);
    web = new WebClient(t.app);
    await web.signUp('Lull Shop', `lull-${stack}@shop.test`);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function upload(): Promise<string> {
    await web.get('/products/new');
    const fields = { name: 'Lamp', sku: `LAMP-${++seq}`, uom_id: '1', sale_price: '12.00', _csrf: web.csrf() };
    const res = await web.postMultipart('/products/new', fields, { name: 'lamp.jpg', bytes: await makeImage('jpeg', 640, 480), type: 'image/jpeg' });
    const row = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', productIdFrom(res)).executeTakeFirstOrThrow();
    return row.image_asset_id!;
  }

  const statusOf = async (assetId: string) =>
    (await t.runtime.db.selectFrom('assets').select('status').where('id', '=', assetId).executeTakeFirstOrThrow()).status;

  it('counts every request while it is in flight, and calls a lull only after the last one', async () => {
    await web.get('/products');
    expect(t.runtime.activity.inFlight).toBe(0);
    // Right after a response the server is still in the same busy spell (a redirect may follow)…
    expect(t.runtime.activity.busy).toBe(true);
    expect(t.runtime.idleGate.isBusy).toBe(true);
    // …and in a lull soon after.
    await sleep(150);
    expect(t.runtime.activity.busy).toBe(false);
    expect(t.runtime.idleGate.isBusy).toBe(false);
  });

  it('leaves an upload waiting while a request is in flight, and processes it in the lull', async () => {
    const assetId = await upload();
    // A slow request (a large download, say) is still being answered.
    t.runtime.activity.begin();
    let drained = false;
    const draining = t.drain().then(() => (drained = true));
    await sleep(400);
    expect(drained).toBe(false);
    expect(await statusOf(assetId)).toBe('processing');
    t.runtime.activity.end();
    await draining;
    expect(await statusOf(assetId)).toBe('ready');
  });
});

describe('vitrina serve with its worker process (JOBS=process)', () => {
  const s3 = testS3Config();
  const bucket = uniqueBucketName('lull');
  const admin = rawS3Client(s3);
  let database: TestDatabase;
  let dataDir: string;
  let server: { child: ChildProcess; output: () => string } | undefined;
  let base = '';

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-lull-'));
    await createBucket(admin, bucket);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServer(
      { DATABASE_URL: database.url!, DATA_DIR: dataDir, SECRET_KEY: 'lull-test-secret-key-0123456789abcdef', ...s3Env(s3, bucket), LOG_LEVEL: 'warn', DEMO_DATA: 'off', JOBS: 'process', PORT: String(port), HOST: '127.0.0.1' },
      base,
    );
  }, 60_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await new Promise((resolve) => (server?.child.exitCode !== null ? resolve(undefined) : server?.child.once('exit', resolve)));
    await database?.cleanup();
    await destroyBucket(admin, bucket).catch(() => undefined);
    admin.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** A request whose body is still on its way: in flight until `finish` sends the rest. */
  async function slowRequest(): Promise<{ finish(): Promise<string> }> {
    const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const body = 'email=nobody%40lull.test&password=x';
    socket.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`);
    return {
      finish: () =>
        new Promise((resolve) => {
          let answer = '';
          socket.on('data', (d: Buffer) => (answer += d.toString()));
          socket.once('close', () => resolve(answer.split('\r\n')[0] ?? ''));
          socket.end(body.slice(5));
        }),
    };
  }

  it('leaves an upload unprocessed while another request is in flight, and processes it once that one ends', async () => {
    const web = new WebClient(base);
    await web.signUp('Lull Co', 'lull@lull.test');
    await web.get('/products/new');
    const slow = await slowRequest();
    const res = await web.postMultipart('/products/new', { name: 'Lamp', sku: 'LAMP-P', uom_id: '1', sale_price: '12.00', _csrf: web.csrf() }, { name: 'lamp.jpg', bytes: await makeImage('jpeg', 640, 480), type: 'image/jpeg' });
    const productId = productIdFrom(res);
    const status = async () =>
      (await database.db.selectFrom('products as p').innerJoin('assets as a', 'a.id', 'p.image_asset_id').select('a.status').where('p.id', '=', productId).executeTakeFirstOrThrow()).status;
    await sleep(1500);
    expect(await status()).toBe('processing');
    // The slow request is answered (the form again: wrong credentials), and the lull begins.
    expect(await slow.finish()).toMatch(/^HTTP\/1\.1 (200|403)/);
    const deadline = Date.now() + 15_000;
    while ((await status()) !== 'ready' && Date.now() < deadline) await sleep(100);
    expect(await status()).toBe('ready');
  }, 60_000);
});
