/**
 * The database failing after the objects were written (real PostgreSQL, real RGW): a trigger
 * makes the commit fail at exactly that point. The upload's object is removed before the
 * answer, nothing is created; a processed image whose commit fails keeps its objects under
 * the asset's own prefix and is recorded once the database works again; reconcile finds
 * nothing wrong at any point.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/jobs/reconcile.js';
import { makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { productIdFrom, WebClient } from '../support/web-client.js';

let t: TestApp;
let web: WebClient;
let tenantId: number;

beforeAll(async () => {
  t = await startTestApp('postgres+s3');
  web = new WebClient(t.app);
  await web.signUp('Flaky DB', 'dba@flaky.test');
  tenantId = (await t.runtime.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow()).id;
  await sql`create function vitrina_test_fail() returns trigger language plpgsql as $$
    begin raise exception 'simulated database failure'; end $$`.execute(t.runtime.db);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const nothingWrong = async () => {
  const report = await reconcile(t.runtime, { graceMs: 0, apply: false });
  expect([report.orphans, report.missing]).toEqual([[], []]);
};

describe('a database failure after the objects were written', () => {
  it('removes the upload when the product cannot be committed, and creates nothing', async () => {
    await sql`create trigger fail_products before insert on products for each row execute function vitrina_test_fail()`.execute(
      t.runtime.db,
    );
    try {
      await web.get('/products/new');
      const res = await web.postMultipart(
        '/products/new',
        { name: 'Lost?', sku: 'DBF-1', uom_id: '1', sale_price: '3.00', _csrf: web.csrf() },
        { name: 'a.jpg', bytes: await makeImage('jpeg', 640, 480), type: 'image/jpeg' },
      );
      expect(res.statusCode).toBe(500);
      expect(res.body).toContain('Something went wrong on our side');
    } finally {
      await sql`drop trigger fail_products on products`.execute(t.runtime.db);
    }
    expect(await t.runtime.db.selectFrom('products').select('id').execute()).toEqual([]);
    expect(await t.runtime.db.selectFrom('assets').select('id').execute()).toEqual([]);
    expect(await t.raw.listKeys(`t/${tenantId}/`)).toEqual([]);
    await nothingWrong();
  });

  it('keeps a processed image whose commit failed, and records it once the database works', async () => {
    await web.get('/products/new');
    const id = productIdFrom(
      await web.postMultipart(
        '/products/new',
        { name: 'Kept', sku: 'DBF-2', uom_id: '1', sale_price: '3.00', _csrf: web.csrf() },
        { name: 'b.jpg', bytes: await makeImage('jpeg', 900, 600), type: 'image/jpeg' },
      ),
    );
    const asset = await t.runtime.db
      .selectFrom('assets as a')
      .innerJoin('products as p', 'p.image_asset_id', 'a.id')
      .selectAll('a')
      .where('p.id', '=', id)
      .executeTakeFirstOrThrow();

    await sql`create trigger fail_ready before update on assets for each row when (new.status = 'ready') execute function vitrina_test_fail()`.execute(
      t.runtime.db,
    );
    try {
      await t.drain();
      const after = await t.runtime.db.selectFrom('assets').selectAll().where('id', '=', asset.id).executeTakeFirstOrThrow();
      // Not ready, not broken, no attempt used up: it waits for the database.
      expect([after.status, after.attempts, after.source_key]).toEqual(['processing', 0, asset.source_key]);
      expect(after.last_error).toContain('simulated database failure');
      // The upload and the processed objects are all there, under keys the row owns.
      const keys = await t.raw.listKeys(`t/${tenantId}/`);
      expect(keys).toContain(asset.source_key);
      expect(keys.filter((k) => k.startsWith(asset.key_prefix)).length).toBeGreaterThan(0);
      await nothingWrong();
    } finally {
      await sql`drop trigger fail_ready on assets`.execute(t.runtime.db);
    }

    // The retry waits 10 s; let it be due now rather than sleeping in a test.
    await t.runtime.db.updateTable('assets').set({ claimed_until: null }).where('id', '=', asset.id).execute();
    await t.drain();
    const ready = await t.runtime.db.selectFrom('assets').selectAll().where('id', '=', asset.id).executeTakeFirstOrThrow();
    expect([ready.status, ready.source_key]).toEqual(['ready', null]);
    expect(await t.raw.listKeys(`t/${tenantId}/`)).toEqual(ready.variants.map((v) => v.key).sort());
    await nothingWrong();
  });
});
