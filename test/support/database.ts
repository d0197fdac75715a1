/**
 * A fresh database per test file, on either backend, left behind by nobody:
 *
 * - postgres: `CREATE DATABASE vitrina_test_<random>` through the admin URL
 *   (TEST_DATABASE_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres), dropped
 *   WITH (FORCE) afterwards;
 * - pglite: an in-memory PGlite, gone when closed.
 *
 * @example
 *   describe.each(BACKENDS)('products on %s', (backend) => {
 *     const t = useTestDatabase(backend);
 *     it('…', async () => { await t.db.selectFrom('units').selectAll().execute(); });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type DatabaseHandle, type DialectName } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export type Backend = DialectName;
export const BACKENDS: readonly Backend[] = ['postgres', 'pglite'];

export const ADMIN_URL = process.env['TEST_DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends DatabaseHandle {
  /** The database's URL (postgres only) — for a second connection or a child process's DATABASE_URL. */
  readonly url: string | undefined;
  /** Closes the handle and drops the database. */
  cleanup(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty PostgreSQL database; returns its URL and how to drop it. */
export async function createScratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vitrina_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function createTestDatabase(backend: Backend, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let handle: DatabaseHandle;
  let url: string | undefined;
  let drop = async () => {};
  if (backend === 'postgres') {
    const scratch = await createScratchPostgres();
    url = scratch.url;
    drop = scratch.drop;
    handle = await createDatabase({ databaseUrl: url, dataDir: '/nonexistent' }, { poolSize: 5 });
  } else {
    handle = await createDatabase({ databaseUrl: undefined, dataDir: '/nonexistent' }, { pglite: new PGlite() });
  }
  if (options.migrate !== false) await migrateToLatest(handle.db);
  return {
    ...handle,
    url,
    async cleanup() {
      await handle.close();
      await drop();
    },
  };
}

/** Registers beforeAll/afterAll for a migrated database; read `.db` etc. inside tests. */
export function useTestDatabase(backend: Backend): TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await current?.cleanup();
  });
  const get = (): TestDatabase => {
    if (current === undefined) throw new Error('the test database is only available inside tests');
    return current;
  };
  return {
    get db() {
      return get().db;
    },
    get dialect() {
      return get().dialect;
    },
    get url() {
      return get().url;
    },
    close: () => get().close(),
    cleanup: () => get().cleanup(),
  };
}
