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
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

/**
 * Where the empty cluster of this PGlite version is kept between test processes: every test file
 * runs in a process of its own, and initdb costs seconds of CPU each time (30 s on a loaded
 * two-core machine) against well under one to load its copy.
 */
const PGLITE_VERSION = (
  JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const TEMPLATE_FILE = path.join(tmpdir(), `vitrina-test-pglite-${PGLITE_VERSION}-${process.getuid?.() ?? 0}.tar`);

let template: Promise<Blob | undefined> | undefined;

/**
 * An in-memory PGlite as `new PGlite()` makes it — an empty cluster, nothing else — started from
 * a copy of one made by initdb earlier (this process, or another on this machine), so only the
 * first one runs initdb.
 */
async function freshPGlite(): Promise<PGlite> {
  if (template === undefined) {
    template = readFile(TEMPLATE_FILE).then(
      (bytes) => new Blob([bytes]),
      () => undefined,
    );
  }
  const copy = await template;
  if (copy !== undefined) {
    const loaded = new PGlite({ loadDataDir: copy });
    try {
      await loaded.waitReady;
      return loaded;
    } catch {
      // A copy this PGlite cannot read (the file damaged by hand): made again below.
    }
  }
  const pglite = new PGlite();
  await pglite.waitReady;
  // Copied before any use: the template is the bare cluster.
  const made = await pglite.dumpDataDir('none');
  template = Promise.resolve(made);
  // Written under a name of its own, then renamed: another process never reads half a file.
  const partial = `${TEMPLATE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(partial, Buffer.from(await made.arrayBuffer()));
  await rename(partial, TEMPLATE_FILE);
  return pglite;
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
    handle = await createDatabase({ databaseUrl: undefined, dataDir: '/nonexistent' }, { pglite: await freshPGlite() });
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
