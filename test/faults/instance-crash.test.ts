/**
 * `kill -9` of a running instance in the middle of uploads (real PostgreSQL, real RGW, the
 * real `vitrina serve` binary): no row points at a missing object, every accepted upload is
 * there, another instance finishes the dead one's work, and `vitrina storage reconcile`
 * finds exactly the objects no row owns — computed here independently — and `--apply`
 * removes them. Missing objects are reported and their assets marked broken.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { createBucket, rawS3Client, s3Env, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { createS3RawInspector } from '../storage/s3-raw-inspector.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, vitrina } from '../support/run-cli.js';
import { WebClient, type WebResponse } from '../support/web-client.js';

const s3 = testS3Config();
const bucket = uniqueBucketName('crash');
const admin = rawS3Client(s3);
const raw = createS3RawInspector(admin, bucket);
let database: TestDatabase;
let dataDir: string;
let env: Record<string, string>;
let server: { child: ChildProcess; output: () => string } | undefined;
let survivor: TestApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-crash-'));
  await createBucket(admin, bucket);
  env = {
    DATABASE_URL: database.url!,
    DATA_DIR: dataDir,
    SECRET_KEY: 'crash-test-secret-key-0123456789abcdef',
    ...s3Env(s3, bucket),
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'off',
    JOBS: 'inline',
  };
}, 60_000);

afterAll(async () => {
  server?.child.kill('SIGKILL');
  // The survivor's close drops the bucket (it was given the database, which is dropped here).
  await survivor?.close();
  await database?.cleanup();
  await rm(dataDir, { recursive: true, force: true });
  admin.destroy();
}, 60_000);

/**
 * Keys accounted for: everything under an asset row's prefix, its upload while unprocessed, and
 * what the purge queue holds (a processed upload the survivor has not purged yet, or is purging
 * right now; reconcile counts those as queued, not as orphans).
 */
async function ownedBy(db: TestDatabase['db']): Promise<(key: string) => boolean> {
  const assets = await db.selectFrom('assets').select(['key_prefix', 'source_key']).execute();
  const queued = (await db.selectFrom('purge_queue').select('key').execute()).map((q) => q.key);
  const prefixes = [...assets.map((a) => a.key_prefix), ...queued.filter((k) => k.endsWith('/'))];
  const keys = new Set([...assets.flatMap((a) => (a.source_key === null ? [] : [a.source_key])), ...queued]);
  return (key) => keys.has(key) || prefixes.some((p) => key.startsWith(p));
}

describe('an instance killed with SIGKILL in the middle of uploads', () => {
  it('leaves no row pointing at a missing object; reconcile finds every orphan and --apply removes them', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const base = `http://127.0.0.1:${port}`;
    server = await startServer({ ...env, PORT: String(port), HOST: '127.0.0.1' }, base);
    const web = new WebClient(base);
    await web.signUp('Crash Co', 'crash@crash.test');
    await web.get('/products/new');
    const csrf = web.csrf();
    const photos = await Promise.all([makeImage('jpeg', 1600, 1200), makeImage('jpeg', 1200, 900), makeImage('png', 700, 500)]);

    const results: (WebResponse | Error)[] = [];
    let next = 0;
    const killed = { done: false };
    const worker = async () => {
      while (next < 48) {
        const i = next++;
        const photo = photos[i % photos.length]!;
        try {
          results.push(
            await web.postMultipart(
              '/products/new',
              { name: `P${i}`, sku: `CRASH-${i}`, uom_id: '1', sale_price: '2.50', _csrf: csrf },
              { name: `p${i}.jpg`, bytes: photo, type: 'image/png' },
            ),
          );
        } catch (err) {
          results.push(err as Error);
        }
        if (!killed.done && results.length >= 14) {
          killed.done = true;
          server!.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await new Promise((resolve) =>
      server!.child.exitCode !== null || server!.child.signalCode !== null ? resolve(undefined) : server!.child.once('exit', resolve),
    );
    const accepted = results.filter((r): r is WebResponse => !(r instanceof Error) && r.statusCode === 302);
    const failed = results.filter((r) => r instanceof Error);
    expect(accepted.length).toBeGreaterThanOrEqual(14);
    expect(failed.length).toBeGreaterThan(0);

    // 1. No row points at a missing object, and every accepted upload has its rows.
    const keys = new Set(await raw.listKeys('t/'));
    const assets = await database.db.selectFrom('assets').selectAll().execute();
    for (const a of assets) {
      const wanted = a.status === 'processing' ? [a.source_key!] : a.variants.map((v) => v.key);
      for (const key of wanted) expect(keys.has(key), `${a.status} asset ${a.id} lost ${key}`).toBe(true);
    }
    for (const res of accepted) {
      const id = Number(String(res.headers.location).split('/').pop());
      const row = await database.db.selectFrom('products').select(['image_asset_id']).where('id', '=', id).executeTakeFirst();
      expect(row?.image_asset_id).toBeTruthy();
    }

    // 2. Another instance takes over once the dead one's leases run out (not waited for here).
    await database.db.updateTable('assets').set({ claimed_until: null }).where('status', '=', 'processing').execute();
    survivor = await startTestApp('postgres+s3', { database, env: { S3_BUCKET: bucket, DATA_DIR: dataDir } });
    await survivor.drain();
    expect(await database.db.selectFrom('assets').select('id').where('status', '<>', 'ready').execute()).toEqual([]);

    // 3. Orphans: what the crash left, plus one of each kind planted by hand.
    const tenant = (await database.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow()).id;
    const planted = [`t/${tenant}/img/${randomUUID()}/original.jpg`, `t/${tenant}/incoming/${randomUUID()}`];
    for (const key of planted) await raw.write(key, Buffer.from('left behind'), 'image/jpeg');
    const owned = await ownedBy(database.db);
    const expected = (await raw.listKeys('t/')).filter((k) => !owned(k)).sort();
    expect(expected).toEqual(expect.arrayContaining(planted));

    const cli = { ...env, JOBS: 'off' };
    const dry = await vitrina(['storage', 'reconcile', '--grace', '0', '--json'], cli);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(1);
    const report = JSON.parse(dry.stdout) as { orphans: { key: string; action: string }[]; missing: unknown[] };
    expect(report.orphans.map((o) => o.key).sort()).toEqual(expected);
    expect(report.orphans.every((o) => o.action === 'reported')).toBe(true);
    expect(report.missing).toEqual([]);

    const young = await vitrina(['storage', 'reconcile', '--apply'], cli);
    expect(young.stdout).toContain('kept: within the grace period');
    expect(await raw.listKeys('t/')).toEqual(expect.arrayContaining(planted));

    const applied = await vitrina(['storage', 'reconcile', '--grace', '0', '--apply'], cli);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`Orphans \\(objects no row owns\\): ${expected.length}`));
    expect((await raw.listKeys('t/')).filter((k) => !owned(k))).toEqual([]);
    const again = await vitrina(['storage', 'reconcile', '--grace', '0'], cli);
    expect([again.code, again.stdout.trim().split('\n').pop()]).toEqual([0, 'The bucket and the database agree.']);
    console.log(
      `kill -9: ${accepted.length} uploads accepted before the kill, ${failed.length} cut off; ${expected.length - planted.length} objects left without a row by the crash (+${planted.length} planted), all found and removed by reconcile`,
    );

    // 4. Rows whose objects are gone: reported, then marked broken; the page shows a placeholder.
    const victim = await database.db.selectFrom('assets').selectAll().limit(1).executeTakeFirstOrThrow();
    await admin.send(new (await import('@aws-sdk/client-s3')).DeleteObjectCommand({ Bucket: bucket, Key: victim.variants[1]!.key }));
    const missing = await vitrina(['storage', 'reconcile', '--json'], cli);
    expect(missing.code).toBe(1);
    expect((JSON.parse(missing.stdout) as { missing: { assetId: string; missing: string[] }[] }).missing).toEqual([
      expect.objectContaining({ assetId: victim.id, missing: [victim.variants[1]!.key] }),
    ]);
    expect((await vitrina(['storage', 'reconcile', '--apply'], cli)).code).toBe(0);
    expect((await database.db.selectFrom('assets').select('status').where('id', '=', victim.id).executeTakeFirstOrThrow()).status).toBe(
      'broken',
    );
    const product = await database.db.selectFrom('products').select('id').where('image_asset_id', '=', victim.id).executeTakeFirstOrThrow();
    const viewer = new WebClient(survivor.app);
    await viewer.get('/login');
    await viewer.postForm('/login', { email: 'crash@crash.test', password: 'correct horse battery', _csrf: viewer.csrf() });
    expect((await viewer.get(`/products/${product.id}`)).body).toContain('data-image-status="broken"');
  }, 240_000);

  it('refuses bad reconcile options with one line and exit code 2', async () => {
    const bad = await vitrina(['storage', 'reconcile', '--grace', 'soon'], { ...env, JOBS: 'off' });
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      'vitrina storage reconcile: --grace must be a duration such as 0, 90s, 30m, 24h or 7d (got "soon").',
    ]);
    const tenant = await vitrina(['storage', 'reconcile', '--tenant', '999999'], { ...env, JOBS: 'off' });
    expect([tenant.code, tenant.stderr.trim()]).toEqual([2, 'vitrina storage reconcile: there is no tenant with id 999999.']);
  }, 60_000);
});
