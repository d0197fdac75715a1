/**
 * The storage contract against the database fallback spool (`new Store(new
 * DatabaseSpoolDriver({ db }))`), on PostgreSQL and PGlite. Checks go through SQL on the spool
 * table, never through the store under test; its app-served links are delivery-urls.test.ts's.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/schema.js';
import { DatabaseSpoolDriver } from '../../src/storage/spool/database-spool-driver.js';
import { Store } from '../../src/storage/store.js';
import { BACKENDS, createTestDatabase, useTestDatabase } from '../support/database.js';
import { bytes } from './contract-helpers.js';
import { describeObjectStoreContract } from './contract.js';
import type { RawInspector } from './raw-inspector.js';

function spoolInspector(db: Db): RawInspector {
  return {
    async read(key) {
      const row = await db.selectFrom('spool_objects').select('body').where('key', '=', key).executeTakeFirst();
      return row === undefined ? undefined : Buffer.from(row.body);
    },
    async contentType(key) {
      return (await db.selectFrom('spool_objects').select('content_type').where('key', '=', key).executeTakeFirst())?.content_type;
    },
    async listKeys(prefix) {
      const rows = await db
        .selectFrom('spool_objects')
        .select('key')
        .where(sql<boolean>`starts_with(key, ${prefix})`)
        .execute();
      return rows.map((r) => r.key).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    },
    async write(key, bytes, contentType) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await db
        .insertInto('spool_objects')
        .values({ key, content_type: contentType, metadata: '{}', size: bytes.length, sha256, body: bytes })
        .execute();
    },
    async leftovers() {
      return 0; // a put is one INSERT: nothing can be left half-written
    },
  };
}

for (const backend of BACKENDS) {
  describeObjectStoreContract(`database spool on ${backend}`, async () => {
    const database = await createTestDatabase(backend);
    return {
      store: new Store(new DatabaseSpoolDriver({ db: database.db })),
      raw: spoolInspector(database.db),
      cleanup: () => database.cleanup(),
    };
  });

  describe(`database spool on ${backend}: what only the spool does`, () => {
    const database = useTestDatabase(backend);

    it('counts the bytes it holds, and deletes a batch in one statement', async () => {
      const spool = new DatabaseSpoolDriver({ db: database.db });
      const store = new Store(spool);
      const before = await spool.usedBytes();
      const keys = Array.from({ length: 5 }, (_, i) => `t/1/incoming/${i}`);
      for (const key of keys) await store.put(key, bytes(1000), { contentType: 'image/png' });
      expect((await spool.usedBytes()) - before).toBe(5000);
      const result = await store.deleteMany([...keys, 't/1/incoming/missing']);
      expect(result).toEqual({ deleted: [...keys, 't/1/incoming/missing'], failed: [] });
      expect(await spool.usedBytes()).toBe(before);
    });

    it('keeps the sha256 it computed on write, and reports it on head', async () => {
      const store = new Store(new DatabaseSpoolDriver({ db: database.db }));
      const data = bytes(2048);
      const put = await store.put('t/2/incoming/a', data, { contentType: 'image/png' });
      expect(put.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      expect((await store.head('t/2/incoming/a')).sha256).toBe(put.sha256);
    });
  });
}
