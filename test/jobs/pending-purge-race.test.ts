/**
 * A kept photo's purge at its expiry racing the submit that uses it (issue 15 review), on
 * PostgreSQL (two connections): the purge must never delete the object an asset has just taken
 * as its source. The submit's transaction takes the row and inserts the asset; the purge,
 * claimed meanwhile, waits for that commit and then keeps the object. Also: a thumbnail id
 * shaped almost like a uuid is a plain 404.
 */
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeDue } from '../../src/jobs/purge-worker.js';
import { silentLogger } from '../../src/logger.js';
import { insertAsset } from '../../src/media/assets.repository.js';
import { takePendingUpload } from '../../src/media/pending-uploads.repository.js';
import { makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { until } from '../support/wait-for.js';
import { WebClient } from '../support/web-client.js';
import { pendingAsset } from '../../src/catalog/catalog.service.js';

describe('pending upload purge vs. the submit that uses it (postgres+s3)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('postgres+s3');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a purge claimed while the row is being taken waits, then keeps the object the new asset references', async () => {
    const web = new WebClient(t.app);
    await web.signUp('Race Shop', 'race@shop.test');
    const photo = await makeImage('jpeg', 400, 300);
    await web.get('/products/new');
    const refused = await web.postMultipart(
      '/products/new',
      { name: 'Racing', sku: 'RACE-1', uom_id: '2', sale_price: 'abc', description: '', _csrf: web.csrf() },
      { name: 'race.jpg', bytes: photo, type: 'image/jpeg' },
    );
    expect(refused.statusCode).toBe(200);
    const db = t.runtime.db;
    const row = await db.selectFrom('pending_uploads').selectAll().executeTakeFirstOrThrow();
    // The database's clock has reached the expiry a moment before the app's: the purge is due.
    await db
      .updateTable('purge_queue')
      .set({ not_before: sql<Date>`now()` })
      .where('key', '=', row.key)
      .execute();

    let taken!: () => void;
    const tookRow = new Promise<void>((resolve) => (taken = resolve));
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const assetId = uuidv7();
    const submit = db.transaction().execute(async (trx) => {
      const owner = { id: row.id, tenantId: row.tenant_id, userId: row.user_id, form: row.form };
      const took = await takePendingUpload(trx, owner, new Date());
      expect(took?.key).toBe(row.key);
      await insertAsset(trx, pendingAsset(row, assetId));
      taken();
      await committed;
    });
    await tookRow;

    let purgeSettled = false;
    const purge = purgeDue({ db, stores: t.runtime.stores.all, logger: silentLogger }).finally(() => (purgeSettled = true));
    // The purge either waits on the row the submit holds, or (the defect) has already deleted the object.
    await until(
      'the purge waits on the row or is done',
      async () => {
        if (purgeSettled) return true;
        const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
        return waiting.rows[0]!.n > 0;
      },
      { timeout: 20_000 },
    );
    commit();
    await submit;
    expect(await purge).toBe(1);

    expect(await t.raw.read(row.key)).toEqual(photo);
    expect(await db.selectFrom('purge_queue').select('id').where('key', '=', row.key).execute()).toEqual([]);
  });

  it('a thumbnail id of the right length that is no uuid is a 404 like any unknown one (not the 400 of a database error)', async () => {
    const web = new WebClient(t.app);
    await web.signUp('Odd Ids', 'odd-ids@shop.test');
    for (const id of [
      '-'.repeat(36),
      `${'a'.repeat(8)}-${'-'.repeat(27)}`,
      'ffffffff-ffff-ffff-ffff-ffffffffffff'.replace(/f/g, '0').replace(/^0/, 'g'),
    ]) {
      expect([id, (await web.get(`/uploads/pending/${id}`)).statusCode]).toEqual([id, 404]);
    }
  });
});
