/**
 * Image processing runs in the lulls between the web server's requests (jobs/idle-gate.ts): an
 * upload is answered as soon as it is stored, and its image is processed once no request has
 * been busy for a moment — on both stacks through the pages (JOBS=inline), and with the real
 * `vitrina serve`, whose worker process hears of the lulls over IPC (JOBS=process). A request
 * the server works on, or whose bytes move, is busy; one that only waits on a silent client is
 * not (issue 13, finding 2).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/free-port.js';
import { makeImage } from '../media/media-fixtures.js';
import { createBucket, destroyBucket, rawS3Client, s3Env, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { rawRequest } from '../support/raw-request.js';
import { startServer } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';
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
    const res = await web.postMultipart('/products/new', fields, {
      name: 'lamp.jpg',
      bytes: await makeImage('jpeg', 640, 480),
      type: 'image/jpeg',
    });
    const row = await t.runtime.db
      .selectFrom('products')
      .select('image_asset_id')
      .where('id', '=', productIdFrom(res))
      .executeTakeFirstOrThrow();
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
    await waitFor(() => expect(t.runtime.idleGate.isBusy).toBe(false), { timeout: 1000, interval: 10 });
    expect(t.runtime.activity.busy).toBe(false);
  });

  it('leaves an upload waiting while the server works on a request, and processes it in the lull', async () => {
    const assetId = await upload();
    // A request the server is still working on (begun without a probe: the server's turn throughout).
    const end = t.runtime.activity.begin();
    let drained = false;
    const draining = t.drain().then(() => (drained = true));
    // Held at the gate, not merely not there yet; the gate's 10 s limit is far off.
    await waitFor(() => expect(t.runtime.idleGate.waiting).toBe(1));
    expect(drained).toBe(false);
    expect(await statusOf(assetId)).toBe('processing');
    end();
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
      {
        DATABASE_URL: database.url!,
        DATA_DIR: dataDir,
        SECRET_KEY: 'lull-test-secret-key-0123456789abcdef',
        ...s3Env(s3, bucket),
        LOG_LEVEL: 'info',
        DEMO_DATA: 'off',
        JOBS: 'process',
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      base,
    );
    // The web server answers before its worker process is up (it starts once the port is taken).
    await waitFor(() => expect(server!.output()).toContain('"event":"workers-started"'), { timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await new Promise((resolve) => (server?.child.exitCode !== null ? resolve(undefined) : server?.child.once('exit', resolve)));
    await database?.cleanup();
    await destroyBucket(admin, bucket).catch(() => undefined);
    admin.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("holds an upload's processing back while another request's bytes move, and not once that request only waits on its silent client", async () => {
    const web = new WebClient(base);
    await web.signUp('Lull Co', 'lull@lull.test');
    await web.get('/products/new');
    const bytes = await makeImage('jpeg', 640, 480);
    // A lull first, so the worker is not in the middle of a wait begun earlier (which ends after
    // at most 10 s, whatever the requests do).
    await sleep(500);
    // A log-in form whose body comes 1 KiB every 100 ms (a slow phone: 80 kbit/s), then stops. A
    // byte at a time would be a trickle, which holds nothing back (test/jobs/idle-gate.test.ts).
    const body = `email=nobody%40lull.test&password=${'x'.repeat(100_000)}`;
    const slow = await rawRequest(
      base,
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => void slow.write(body.slice(sent, (sent += 1024))).catch(() => undefined), 100);
    let productId: number;
    try {
      const res = await web.postMultipart(
        '/products/new',
        { name: 'Lamp', sku: 'LAMP-P', uom_id: '1', sale_price: '12.00', _csrf: web.csrf() },
        { name: 'lamp.jpg', bytes, type: 'image/jpeg' },
      );
      productId = productIdFrom(res);
      // The other request's bytes keep moving: it is busy, and processing waits for it (the
      // worker has not even claimed the image, so a slow machine cannot be what holds it back).
      await sleep(1000);
      expect(await image(productId)).toEqual({ status: 'processing', claimed_until: null });
    } finally {
      clearInterval(trickle);
    }
    // Now it only waits on a client that sends nothing: the worker claims the image at once (well
    // within the gate's 10 s limit), while that request is still open.
    await waitFor(async () => expect((await image(productId)).claimed_until).not.toBeNull(), { timeout: 4000 });
    expect(slow.open).toBe(true);
    slow.destroy();
    // Decoding and encoding at nice 10 may take a while on a busy machine.
    await waitFor(async () => expect((await image(productId)).status).toBe('ready'), { timeout: 15_000 });
  }, 60_000);

  const image = (productId: number) =>
    database.db
      .selectFrom('products as p')
      .innerJoin('assets as a', 'a.id', 'p.image_asset_id')
      .select(['a.status', 'a.claimed_until'])
      .where('p.id', '=', productId)
      .executeTakeFirstOrThrow();
});
