/**
 * The whole move from local disk to S3 while the catalog stays up, on PostgreSQL and the test
 * RGW: the app serves every product image from its local store while `vitrina storage
 * migrate` copies them (a child process, as an operator runs it); a second instance switched
 * to S3 by configuration alone — same database, no row rewritten — serves every image from
 * the bucket; then `--delete-source` empties the local store and the S3 instance still shows
 * everything.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { fetchUrl, imageUrls } from '../support/page-helpers.js';
import { cleanEnv, PROJECT_ROOT, VITRINA_BIN, vitrina } from '../support/run-cli.js';
import { WebClient } from '../support/web-client.js';
import { destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { seedAssets } from './migration-fixtures.js';

const PRODUCTS = 6;
let database: TestDatabase;
let local: TestApp;
let onS3: TestApp | undefined;
let web: WebClient;
const bucket = uniqueBucketName('mig-serve');

function cliEnv(): Record<string, string> {
  const s3 = testS3Config();
  return {
    DATABASE_URL: database.url!,
    DATA_DIR: local.config.dataDir,
    S3_ENDPOINT: s3.endpoint!,
    S3_REGION: s3.region,
    S3_ACCESS_KEY: s3.accessKeyId!,
    S3_SECRET_KEY: s3.secretAccessKey!,
    S3_BUCKET: bucket,
  };
}

/** Every image on the product list, fetched as a browser would: how many, and their statuses. */
async function showEveryImage(app: TestApp, client: WebClient): Promise<{ urls: string[]; statuses: number[] }> {
  const page = await client.get('/products');
  expect(page.statusCode).toBe(200);
  const urls = imageUrls(page.body);
  const statuses = await Promise.all(urls.map(async (u) => (await fetchUrl(app, u)).status));
  return { urls, statuses };
}

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  // PostgreSQL with the local driver: the app and the migration share the database.
  local = await startTestApp('pglite+local', { database });
  web = new WebClient(local.app);
  await web.signUp('Moving Shop', 'ops@moving.test');
  for (let i = 0; i < PRODUCTS; i++) {
    await web.get('/products/new');
    const photo = await makeImage('jpeg', 800, 600);
    const res = await web.postMultipart(
      '/products/new',
      { name: `Item ${i}`, sku: `MOV-${i}`, uom_id: '1', sale_price: '2.50', _csrf: web.csrf() },
      { name: `item-${i}.jpg`, bytes: photo, type: 'image/jpeg' },
    );
    expect(res.statusCode).toBe(302);
  }
  await local.drain();
  const tenant = await database.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow();
  // Bulk, so the migration runs long enough for the catalog to be read many times meanwhile.
  await seedAssets(database.db, local.runtime.store, {
    tenantId: tenant.id,
    assets: 120,
    variants: 2,
    size: (i) => 80_000 + ((i * 7919) % 150_000),
  });
}, 120_000);

afterAll(async () => {
  await onS3?.close();
  await local?.close();
  await database?.cleanup();
  const admin = rawS3Client(testS3Config());
  await destroyBucket(admin, bucket).catch(() => undefined);
  admin.destroy();
});

describe('moving from local disk to S3 while the catalog is served', () => {
  it('shows every image before, during and after the migration, and after the switch', async () => {
    const before = await showEveryImage(local, web);
    const expected = before.urls.length;
    expect(expected).toBeGreaterThanOrEqual(PRODUCTS);
    expect(before.statuses).toEqual(Array(expected).fill(200));

    const child = spawn(process.execPath, [VITRINA_BIN, 'storage', 'migrate', '--from', 'local', '--to', 's3', '--concurrency', '2'], {
      cwd: PROJECT_ROOT,
      env: cleanEnv(cliEnv()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    let running = true;
    void exited.then(() => (running = false));
    let rounds = 0;
    while (running) {
      const during = await showEveryImage(local, web);
      expect(during.statuses).toEqual(Array(expected).fill(200));
      if (running) rounds += 1;
    }
    expect(await exited, stdout).toBe(0);
    expect(rounds).toBeGreaterThanOrEqual(2);
    expect(stdout).toMatch(/Every object is at the destination, verified\./);

    // The switch is configuration only: a second instance on the same database, driver s3.
    onS3 = await startTestApp('pglite+local', { database, shareStorageWith: local, env: { ...cliEnv(), STORAGE_DRIVER: 's3' } });
    const s3web = new WebClient(onS3.app);
    for (const [k, v] of web.cookies) s3web.cookies.set(k, v);
    const after = await showEveryImage(onS3, s3web);
    expect(after.urls.length).toBe(expected);
    expect(after.urls.every((u) => u.startsWith(testS3Config().endpoint!))).toBe(true);
    expect(after.statuses).toEqual(Array(expected).fill(200));

    // Later, the local copies go: only after each was verified at the destination.
    const cleanup = await vitrina(['storage', 'migrate', '--from', 'local', '--to', 's3', '--delete-source'], cliEnv());
    expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toMatch(/source deleted {2}\d+/);
    expect(await local.raw.listKeys('t/')).toEqual([]);
    const last = await showEveryImage(onS3, s3web);
    expect(last.statuses).toEqual(Array(expected).fill(200));
  }, 120_000);
});
