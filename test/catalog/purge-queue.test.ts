import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { deleteAsset, getAsset, insertAsset, listAssetKeys, markAssetBroken } from '../../src/media/assets.repository.js';
import { claimDue, completePurge, enqueuePurge, isKeyReferenced, purgeBacklog, retryPurge } from '../../src/jobs/purge-queue.repository.js';
import { newAssetPrefix } from '../../src/storage/key-locator.js';
import { insertTenant } from '../../src/tenancy/tenants.repository.js';
import { BACKENDS, useTestDatabase } from '../support/database.js';

describe.each(BACKENDS)('assets and the purge queue on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('stores assets with their keys, scoped by tenant, and marks them broken', async () => {
    const a = (await insertTenant(t.db, { name: 'A', slug: 'assets-a' })).id;
    const b = (await insertTenant(t.db, { name: 'B', slug: 'assets-b' })).id;
    const id = uuidv7();
    const prefix = newAssetPrefix(a, id);
    const key = `${prefix}original.jpg`;
    await insertAsset(t.db, {
      id,
      tenantId: a,
      keyPrefix: prefix,
      contentType: 'image/jpeg',
      bytes: 5_000_000_000,
      sha256: 'f'.repeat(64),
      width: 1,
      height: 1,
      originalName: 'x.jpg',
      variants: [{ name: 'original', key, width: 1, height: 1, bytes: 10, contentType: 'image/jpeg' }],
    });
    expect((await getAsset(t.db, a, id))?.bytes).toBe(5_000_000_000);
    expect(await getAsset(t.db, b, id)).toBeUndefined();
    expect(await listAssetKeys(t.db, { tenantId: a })).toEqual([expect.objectContaining({ id, keyPrefix: prefix, keys: [key] })]);
    expect(await listAssetKeys(t.db, { tenantId: b })).toEqual([]);
    expect(await isKeyReferenced(t.db, key)).toBe(true);
    expect(await isKeyReferenced(t.db, prefix)).toBe(true);
    expect(await markAssetBroken(t.db, id)).toBe(true);
    expect((await getAsset(t.db, a, id))?.status).toBe('broken');
    expect(await deleteAsset(t.db, b, id)).toBeUndefined();
    expect(await deleteAsset(t.db, a, id)).toMatchObject({ id });
    expect(await isKeyReferenced(t.db, key)).toBe(false);
  });

  it('enqueues inside the caller’s transaction: a rollback queues nothing', async () => {
    await t.db.deleteFrom('purge_queue').execute();
    await t.db
      .transaction()
      .execute(async (trx) => {
        await enqueuePurge(trx, ['t/1/img/x/a.jpg'], 1);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect((await purgeBacklog(t.db)).total).toBe(0);
  });

  it('claims due rows under a lease, completes them, and backs off retries exponentially', async () => {
    await t.db.deleteFrom('purge_queue').execute();
    await t.db.transaction().execute((trx) => enqueuePurge(trx, ['k1', 'k2', 'k3'], 1));
    await enqueuePurge(t.db, ['later'], 1, { delaySeconds: 3600 });
    expect(await purgeBacklog(t.db)).toEqual({ total: 4, due: 3 });

    const jobs = await claimDue(t.db, 10, { leaseSeconds: 60 });
    expect(jobs.map((j) => j.key)).toEqual(['k1', 'k2', 'k3']);
    expect(await claimDue(t.db, 10)).toEqual([]); // leased
    await completePurge(t.db, [jobs[0]!.id]);

    await retryPurge(t.db, jobs[1]!.id, 'S3 down');
    await retryPurge(t.db, jobs[1]!.id, 'S3 still down');
    const row = await t.db.selectFrom('purge_queue').selectAll().where('id', '=', jobs[1]!.id).executeTakeFirstOrThrow();
    expect(row.attempts).toBe(2);
    expect(row.last_error).toBe('S3 still down');
    const delay = (row.not_before.getTime() - Date.now()) / 1000;
    expect(delay).toBeGreaterThan(2);
    expect(delay).toBeLessThanOrEqual(4.5);

    await t.db.updateTable('purge_queue').set({ attempts: 40 }).where('id', '=', jobs[2]!.id).execute();
    await retryPurge(t.db, jobs[2]!.id, 'x');
    const capped = await t.db.selectFrom('purge_queue').select('not_before').where('id', '=', jobs[2]!.id).executeTakeFirstOrThrow();
    expect((capped.not_before.getTime() - Date.now()) / 1000).toBeLessThanOrEqual(3601);
  });
});

// PGlite is one connection: two transactions cannot be open at once, so this is PostgreSQL's alone.
describe('the purge queue on postgres, concurrently', () => {
  const t = useTestDatabase('postgres');

  it('gives two concurrent claiming transactions disjoint rows (SKIP LOCKED)', async () => {
    await t.db.deleteFrom('purge_queue').execute();
    await enqueuePurge(
      t.db,
      Array.from({ length: 10 }, (_, i) => `key-${i}`),
      null,
    );

    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstClaimed!: () => void;
    const firstDone = new Promise<void>((resolve) => (firstClaimed = resolve));

    const first = t.db.transaction().execute(async (trx) => {
      const rows = await claimDue(trx, 6);
      firstClaimed();
      await firstHolds; // keep the row locks while the second transaction claims
      return rows;
    });
    await firstDone;
    const second = await t.db.transaction().execute((trx) => claimDue(trx, 6));
    releaseFirst();
    const a = (await first).map((r) => r.key);
    const b = second.map((r) => r.key);
    expect(a).toHaveLength(6);
    expect(b).toHaveLength(4);
    expect(a.filter((k) => b.includes(k))).toEqual([]);
  });
});
