/**
 * The plan of a storage migration on each database: the totals the database counts in one
 * statement are exactly what the page walk yields — ready and broken assets' variants, uploads
 * waiting for processing, nothing for a processing asset without an upload, spooled assets
 * counted apart — for all tenants and for one.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetVariant } from '../../src/db/schema.js';
import { planPages, planTotals } from '../../src/jobs/storage-migration/migration-plan.js';
import { insertAsset, type NewAsset } from '../../src/media/assets.repository.js';
import { newAssetPrefix, variantKey } from '../../src/storage/key-locator.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/database.js';

describe.each(BACKENDS)('storage migration plan on %s', (backend) => {
  let t: TestDatabase;
  const tenants: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    for (const slug of ['plan-a', 'plan-b']) {
      tenants.push((await t.db.insertInto('tenants').values({ name: slug, slug }).returning('id').executeTakeFirstOrThrow()).id);
    }
    const asset = (tenantId: number, fields: Partial<NewAsset> & { sizes?: number[] }): NewAsset => {
      const id = uuidv7();
      const keyPrefix = newAssetPrefix(tenantId, id);
      const variants: AssetVariant[] = (fields.sizes ?? []).map((bytes, i) => ({
        name: `w${i}`,
        key: variantKey(keyPrefix, `w${i}`, 'webp'),
        width: 1,
        height: 1,
        bytes,
        contentType: 'image/webp',
      }));
      return {
        id,
        tenantId,
        keyPrefix,
        contentType: 'image/jpeg',
        bytes: 5000,
        sha256: '',
        width: 1,
        height: 1,
        originalName: 'x.jpg',
        variants,
        ...fields,
      };
    };
    const [a, b] = tenants as [number, number];
    for (const row of [
      asset(a, { sizes: [100, 2000, 30_000] }),
      asset(a, { sizes: [7], status: 'broken' }),
      asset(a, { status: 'processing', sourceKey: 'incoming/upload-1', bytes: 123_456 }),
      asset(a, { status: 'processing', sourceKey: null }),
      asset(a, { sizes: [1, 2], location: 'spool' }),
      asset(b, { sizes: [5_000_000_000, 1] }),
      asset(b, { status: 'processing', sourceKey: 'incoming/upload-2', bytes: 9, location: 'spool' }),
    ]) {
      await insertAsset(t.db, row);
    }
  });
  afterAll(() => t.cleanup());

  /** What the page walk (the migration itself) goes through. */
  async function walked(tenantId?: number) {
    const totals = { objects: 0, bytes: 0, spooled: 0 };
    for await (const page of planPages(t.db, { tenantId })) {
      totals.objects += page.objects.length;
      totals.spooled += page.spooled;
      for (const o of page.objects) totals.bytes += o.bytes;
    }
    return totals;
  }

  it('counts what the page walk yields, for all tenants and for each', async () => {
    const [a, b] = tenants as [number, number];
    expect(await planTotals(t.db)).toEqual({ objects: 7, bytes: 100 + 2000 + 30_000 + 7 + 123_456 + 5_000_000_001, spooled: 3 });
    expect(await planTotals(t.db)).toEqual(await walked());
    expect(await planTotals(t.db, { tenantId: a })).toEqual({ objects: 5, bytes: 100 + 2000 + 30_000 + 7 + 123_456, spooled: 2 });
    expect(await planTotals(t.db, { tenantId: a })).toEqual(await walked(a));
    expect(await planTotals(t.db, { tenantId: b })).toEqual(await walked(b));
    expect(await planTotals(t.db, { tenantId: 999_999 })).toEqual({ objects: 0, bytes: 0, spooled: 0 });
  });
});
