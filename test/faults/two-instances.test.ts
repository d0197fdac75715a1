/**
 * Two `vitrina serve` processes on different ports, on the same PostgreSQL and RGW, behind
 * Debian's nginx as a round-robin load balancer: a person's whole visit goes through the
 * balancer while consecutive requests land on different instances — sessions, CSRF tokens,
 * flashes, thumbnails, image processing and purges behave as with one instance.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { createBucket, destroyBucket, rawS3Client, s3Env, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { createS3RawInspector } from '../storage/s3-raw-inspector.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort, startNginx, type Nginx } from '../support/nginx.js';
import { imageUrls } from '../support/page-helpers.js';
import { startServer } from '../support/run-cli.js';
import { productIdFrom, WebClient, type WebResponse } from '../support/web-client.js';

const s3 = testS3Config();
const bucket = uniqueBucketName('lb');
const admin = rawS3Client(s3);
const raw = createS3RawInspector(admin, bucket);
let database: TestDatabase;
const dirs: string[] = [];
const servers: { child: ChildProcess; output: () => string }[] = [];
let nginx: Nginx;

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  await createBucket(admin, bucket);
  const ports = [await freePort(), await freePort()];
  const balancerPort = await freePort();
  const balancer = `http://127.0.0.1:${balancerPort}`;
  for (const port of ports) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-lb-'));
    dirs.push(dataDir);
    servers.push(
      await startServer(
        {
          DATABASE_URL: database.url!,
          DATA_DIR: dataDir,
          SECRET_KEY: 'the-same-secret-on-every-instance-0123456789',
          APP_URL: balancer,
          PORT: String(port),
          HOST: '127.0.0.1',
          ...s3Env(s3, bucket),
          LOG_LEVEL: 'warn',
          DEMO_DATA: 'off',
        },
        `http://127.0.0.1:${port}`,
      ),
    );
  }
  nginx = await startNginx(ports, balancerPort);
}, 120_000);

afterAll(async () => {
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(undefined) : s.child.once('exit', r)))));
  await nginx?.stop();
  await destroyBucket(admin, bucket).catch(() => undefined);
  admin.destroy();
  await database?.cleanup();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two instances behind nginx (round robin)', () => {
  it('serves one visit across both instances as if there were one', async () => {
    const web = new WebClient(nginx.url);
    const seen: string[] = [];
    const track = (res: WebResponse) => {
      seen.push(String(res.headers['x-served-by']));
      return res;
    };

    track(await web.get('/signup'));
    const signup = track(
      await web.postForm('/signup', {
        tenant_name: 'Balanced',
        email: 'lb@balanced.test',
        password: 'correct horse battery',
        _csrf: web.csrf(),
      }),
    );
    expect([signup.statusCode, signup.headers.location]).toEqual([302, '/products']);
    expect(track(await web.get('/products')).body).toContain('Welcome to Vitrina');

    track(await web.get('/products/new'));
    const created = track(
      await web.postMultipart(
        '/products/new',
        { name: 'Lamp', sku: 'LB-1', uom_id: '1', sale_price: '40.00', _csrf: web.csrf() },
        { name: 'lamp.jpg', bytes: await makeImage('jpeg', 1300, 900), type: 'image/jpeg' },
      ),
    );
    const id = productIdFrom(created);
    expect(track(await web.get(`/products/${id}`)).body).toContain('Product created');

    // Processed by whichever instance's worker claims it; the page shows it when ready.
    const readyPage = async (): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const page = track(await web.get(`/products/${id}`));
        if (!page.body.includes('data-image-status="processing"')) return page.body;
        await sleep(200);
      }
      throw new Error('the image was not processed within 20 s');
    };
    const first = imageUrls(await readyPage());
    expect(first.length).toBeGreaterThan(0);
    for (const url of first) expect((await fetch(url)).status).toBe(200);
    const firstPrefix = /t\/\d+\/img\/[0-9a-f-]{36}\//.exec(first[0]!)![0];

    track(await web.get(`/products/${id}/edit`));
    const replaced = track(
      await web.postMultipart(
        `/products/${id}/edit`,
        { name: 'Lamp', sku: 'LB-1', uom_id: '1', sale_price: '42.00', _csrf: web.csrf() },
        { name: 'lamp2.png', bytes: await makeImage('png', 600, 600), type: 'image/png' },
      ),
    );
    expect(replaced.statusCode).toBe(302);
    expect(track(await web.get(`/products/${id}`)).body).toContain('Product updated');
    const second = imageUrls(await readyPage());
    expect(second[0]).not.toBe(first[0]);
    for (const url of second) expect((await fetch(url)).status).toBe(200);

    track(await web.get(`/products/${id}/edit`));
    const edited = track(
      await web.postMultipart(`/products/${id}/edit`, {
        name: 'Desk lamp',
        sku: 'LB-1',
        uom_id: '1',
        sale_price: '42.00',
        _csrf: web.csrf(),
      }),
    );
    expect(edited.statusCode).toBe(302);
    const list = track(await web.get('/products'));
    expect(list.body).toContain('Desk lamp');
    expect(imageUrls(list.body).length).toBeGreaterThan(0);

    // The old image's objects are purged by one of the instances.
    for (let i = 0; (await raw.listKeys(firstPrefix)).length > 0; i++) {
      if (i > 100) throw new Error(`the replaced image's objects were not purged: ${(await raw.listKeys(firstPrefix)).join(', ')}`);
      await sleep(200);
    }

    track(await web.get(`/products/${id}`));
    const deleted = track(await web.postForm(`/products/${id}/delete`, { _csrf: web.csrf() }));
    expect(deleted.headers.location).toBe('/products');
    expect(track(await web.get('/products')).body).toContain('Product deleted');
    // It went to the trash with its image; emptying the trash is what purges the objects.
    track(await web.get('/products/trash'));
    expect(track(await web.postForm('/products/trash/empty', { _csrf: web.csrf() })).statusCode).toBe(302);
    for (let i = 0; (await raw.listKeys('t/')).length > 0; i++) {
      if (i > 100) throw new Error("the deleted product's objects were not purged");
      await sleep(200);
    }

    const instances = new Set(seen);
    expect(instances.size).toBe(2);
    const counts = [...instances].map((name) => seen.filter((s) => s === name).length);
    console.log(`two instances behind nginx: ${seen.length} requests through the balancer, ${counts.join(' + ')} per instance`);
    for (const s of servers) expect(s.output()).not.toMatch(/"level":(50|60)/);
  }, 120_000);
});
