/**
 * An S3 outage on real services: PostgreSQL and a Ceph RGW whose gateway this file stops and
 * restarts. Uploads made while it is down are all accepted and served from the database
 * spool; once it is back, every one is replicated to S3 (sha256 checked against the bucket)
 * and the spool empties. Purges that fail meanwhile are retried and completed.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { startFaultRgw, type FaultRgw } from '../support/fault-rgw.js';
import { fetchUrl, imageUrls } from '../support/page-helpers.js';
import { productIdFrom, WebClient, type WebResponse } from '../support/web-client.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let rgw: FaultRgw;
let t: TestApp;
let web: WebClient;
let csrf: string;

beforeAll(async () => {
  rgw = await startFaultRgw('outage', 7495);
  t = await startTestApp('postgres+s3', {
    env: {
      S3_ENDPOINT: rgw.endpoint,
      S3_ACCESS_KEY: rgw.env.S3_ACCESS_KEY,
      S3_SECRET_KEY: rgw.env.S3_SECRET_KEY,
      S3_MAX_ATTEMPTS: '2',
      S3_CONNECT_TIMEOUT_MS: '1000',
      S3_REQUEST_TIMEOUT_MS: '5000',
      S3_BREAKER_OPEN_MS: '500',
    },
  });
  web = new WebClient(t.app);
  await web.signUp('Outage Store', 'ops@outage.test');
  await web.get('/products/new');
  csrf = web.csrf();
}, 180_000);

afterAll(async () => {
  await t?.close();
  await rgw?.shutdown();
}, 120_000);

async function upload(i: number): Promise<WebResponse> {
  const photo = await makeImage('jpeg', 480, 360);
  return web.postMultipart(
    '/products/new',
    { name: `Item ${i}`, sku: `OUT-${i}`, uom_id: '1', sale_price: '1.00', _csrf: csrf },
    { name: `item-${i}.jpg`, bytes: photo, type: 'image/jpeg' },
  );
}

async function count(query: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`${sql.raw(query)}`.execute(t.runtime.db);
  return Number(rows[0]!.n);
}

describe('an S3 outage', () => {
  it('accepts every upload while the gateway is down, serves it, then replicates all of it to S3', async () => {
    const N = 24;
    const results: WebResponse[] = [];
    for (let i = 0; i < 8; i++) results.push(await upload(i));
    // Stop the gateway while a batch of uploads is in flight.
    const inFlight = Promise.all(Array.from({ length: 8 }, (_, k) => upload(8 + k)));
    await rgw.stopGateway();
    results.push(...(await inFlight));
    for (let i = 16; i < N; i++) results.push(await upload(i));
    expect(results.map((r) => r.statusCode)).toEqual(Array(N).fill(302));
    const ids = results.map(productIdFrom);

    // Processing runs during the outage too: its outputs go to the spool.
    await t.drain();
    expect(t.runtime.stores.breakerState).not.toBe('closed');
    const spooled = await count(`select count(*) as n from assets where location = 'spool' and status = 'ready'`);
    expect(spooled).toBeGreaterThanOrEqual(N - 8);
    expect(await count(`select count(*) as n from spool_objects`)).toBeGreaterThan(0);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { storage: { ok: false } } });

    // Every product is visible, and every spooled image is served (by the app, from the spool).
    for (const id of ids) {
      const page = await web.get(`/products/${id}`);
      expect(page.statusCode).toBe(200);
      const asset = await t.runtime.db
        .selectFrom('assets as a')
        .innerJoin('products as p', 'p.image_asset_id', 'a.id')
        .select(['a.location'])
        .where('p.id', '=', id)
        .executeTakeFirstOrThrow();
      if (asset.location !== 'spool') continue;
      const [url] = imageUrls(page.body);
      expect(url).toContain('/media/');
      expect((await fetchUrl(t, url!)).status).toBe(200);
    }

    // S3 comes back: the replicator empties the spool, the purge worker removes the uploads.
    await rgw.startGateway();
    const back = performance.now();
    let drainMs: number | undefined;
    for (;;) {
      await t.drain();
      const left = await count(`select count(*) as n from assets where location = 'spool'`);
      const objects = await count(`select count(*) as n from spool_objects`);
      if (left === 0 && drainMs === undefined) drainMs = Math.round(performance.now() - back);
      if (left === 0 && objects === 0 && (await count(`select count(*) as n from purge_queue`)) === 0) break;
      if (performance.now() - back > 60_000) throw new Error(`spool not drained after 60 s: ${left} assets, ${objects} objects left`);
      await sleep(200);
    }

    const assets = await t.runtime.db.selectFrom('assets').selectAll().execute();
    expect(assets).toHaveLength(N);
    for (const asset of assets) {
      expect([asset.status, asset.location, asset.source_key]).toEqual(['ready', 'store', null]);
      const original = await t.raw.read(asset.variants[0]!.key);
      expect(original && sha256(original)).toBe(asset.sha256);
      expect(await t.raw.listKeys(asset.key_prefix)).toEqual(asset.variants.map((v) => v.key).sort());
    }
    expect(await t.raw.listKeys(`t/`).then((keys) => keys.filter((k) => k.includes('/incoming/')))).toEqual([]);
    expect(await count(`select count(*) as n from purge_queue`)).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    console.log(
      `S3 outage: ${N} uploads accepted (${spooled} images spooled while the gateway was down), 0 lost; every asset back in S3 ${drainMs} ms after it returned, spool and purge queue empty after ${Math.round(performance.now() - back)} ms`,
    );
  }, 180_000);

  it('retries purges while S3 is down and completes them once it is back', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(productIdFrom(await upload(100 + i)));
    await t.drain();
    const prefixes = (await t.runtime.db.selectFrom('assets').select('key_prefix').execute()).map((a) => a.key_prefix);

    await rgw.stopGateway();
    await web.get('/products');
    // Deleting moves to the trash; deleting forever is what queues the objects for purge.
    for (const id of ids) {
      expect((await web.postForm(`/products/${id}/delete`, { _csrf: web.csrf() })).statusCode).toBe(302);
      expect((await web.postForm(`/products/${id}/delete-forever`, { _csrf: web.csrf() })).statusCode).toBe(302);
    }
    await t.drain();
    const failing = await t.runtime.db.selectFrom('purge_queue').selectAll().execute();
    expect(failing.length).toBe(4);
    // Tried and failed, but an outage does not use up attempts: they wait for the store instead.
    expect(failing.every((j) => j.attempts === 0 && j.last_error !== null)).toBe(true);

    await rgw.startGateway();
    const back = performance.now();
    while ((await count(`select count(*) as n from purge_queue`)) > 0) {
      if (performance.now() - back > 60_000) throw new Error('purges not completed 60 s after S3 returned');
      await t.drain();
      await sleep(250);
    }
    const remaining = new Set(await t.raw.listKeys('t/'));
    const deleted = (await t.runtime.db.selectFrom('assets').select('key_prefix').execute()).map((a) => a.key_prefix);
    for (const prefix of prefixes.filter((p) => !deleted.includes(p))) expect([...remaining].some((k) => k.startsWith(prefix))).toBe(false);
    console.log(
      `S3 outage: 4 purges failed while the gateway was down, completed ${Math.round(performance.now() - back)} ms after it returned`,
    );
  }, 120_000);
});
