import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.js';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/db/migrate.js';
import { BACKENDS, createScratchPostgres, createTestDatabase } from '../support/database.js';

describe.each(BACKENDS)('migrations on %s', (backend) => {
  it('apply once, then report nothing to do', async () => {
    const t = await createTestDatabase(backend, { migrate: false });
    try {
      expect(await migrateToLatest(t.db)).toEqual(MIGRATION_NAMES);
      expect(await migrateToLatest(t.db)).toEqual([]);
      const tables = await t.db.introspection.getTables();
      expect(tables.map((x) => x.name).sort()).toEqual(
        expect.arrayContaining(['api_keys', 'assets', 'products', 'purge_queue', 'tenants', 'units', 'users']),
      );
    } finally {
      await t.cleanup();
    }
  });

  it('refuses a database migrated by a newer version (a migration it does not know), up to date as it otherwise looks', async () => {
    const t = await createTestDatabase(backend, { migrate: false });
    try {
      await migrateToLatest(t.db);
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', ${new Date().toISOString()})`.execute(t.db);
      await expect(migrateToLatest(t.db)).rejects.toThrow(/9999-from-the-future/);
    } finally {
      await t.cleanup();
    }
  });

  it('two migrators started together: one applies, the other waits and finds nothing to do', async () => {
    const t = await createTestDatabase(backend, { migrate: false });
    // On PostgreSQL each migrator gets its own pool, like two instances starting together.
    const other = t.url ? await createDatabase({ databaseUrl: t.url, dataDir: '/nonexistent' }) : undefined;
    try {
      const runs = await Promise.all([migrateToLatest(t.db), migrateToLatest(other?.db ?? t.db)]);
      expect(runs.flat()).toEqual(MIGRATION_NAMES);
      const units = await t.db.selectFrom('units').select('id').execute();
      expect(units).toHaveLength(8);
    } finally {
      await other?.close();
      await t.cleanup();
    }
  });

  it('seeds the units, id 1 being "unit"', async () => {
    const t = await createTestDatabase(backend);
    try {
      const units = await t.db.selectFrom('units').select(['id', 'code']).orderBy('id').execute();
      expect(units.map((u) => u.code)).toEqual(['unit', 'kg', 'g', 'l', 'ml', 'm', 'box', 'pack']);
      expect(units[0]).toEqual({ id: 1, code: 'unit' });
    } finally {
      await t.cleanup();
    }
  });

  it('returns numeric exactly, bigint as a number and jsonb parsed', async () => {
    const t = await createTestDatabase(backend, { migrate: false });
    try {
      const { rows } = await sql<{
        n: string;
        b: number;
        j: unknown;
      }>`select 19.99::numeric(12,2) as n, 42::int8 as b, '[{"a":1}]'::jsonb as j`.execute(t.db);
      expect(rows[0]).toEqual({ n: '19.99', b: 42, j: [{ a: 1 }] });
    } finally {
      await t.cleanup();
    }
  });
});

describe('the PGlite advisory lock', () => {
  it('is real PostgreSQL: pg_advisory_xact_lock works inside a transaction', async () => {
    const t = await createDatabase({ databaseUrl: undefined, dataDir: '/nonexistent' }, { pglite: new PGlite() });
    try {
      const r = await t.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(4242)`.execute(trx);
        return sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory'`.execute(trx);
      });
      expect(r.rows[0]!.n).toBe(1);
    } finally {
      await t.close();
    }
  });
});

describe('PostgreSQL two-instance race on a brand-new database', () => {
  it('both migrators succeed, the schema is applied once', async () => {
    const scratch = await createScratchPostgres();
    const a = await createDatabase({ databaseUrl: scratch.url, dataDir: '/nonexistent' });
    const b = await createDatabase({ databaseUrl: scratch.url, dataDir: '/nonexistent' });
    try {
      const results = await Promise.allSettled([migrateToLatest(a.db), migrateToLatest(b.db), migrateToLatest(a.db)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const ran = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      expect(ran).toEqual(MIGRATION_NAMES);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
