/**
 * The Kysely instance: a pg Pool when DATABASE_URL is set, otherwise embedded PGlite in
 * `${DATA_DIR}/pgdata` (or in memory, for tests). One SQL dialect either way.
 *
 * Both backends return the same JavaScript types: numeric as a string (exact), bigint as a
 * number (counts, byte sizes — all far below 2^53), timestamptz as Date, jsonb parsed.
 *
 * @example
 *   const { db, close } = await createDatabase(config);
 *   await migrateToLatest(db);
 *   ...
 *   await close();
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { lockDataDir } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type DialectName = 'postgres' | 'pglite';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Closes the pool or the embedded database (and releases its folder lock). */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Use this PGlite instance (e.g. `new PGlite()` in memory) instead of the configured backend. It is closed by close(). */
  readonly pglite?: PGlite;
  /** Pool size for PostgreSQL; default 10. */
  readonly poolSize?: number;
}

const INT8_OID = 20;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint value ${value} does not fit a JavaScript number`);
  return n;
}

export async function createDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: DatabaseOptions = {},
): Promise<DatabaseHandle> {
  if (options.pglite !== undefined) return wrapPGlite(options.pglite, async () => {});

  if (config.databaseUrl !== undefined) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: options.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client losing its server (restart, failover) must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }

  const dir = path.join(config.dataDir, 'pgdata');
  await mkdir(config.dataDir, { recursive: true });
  const release = await lockDataDir(path.join(config.dataDir, 'pgdata.lock'));
  try {
    const pglite = await PGlite.create({ dataDir: dir, parsers: { [INT8_OID]: parseInt8 } });
    return wrapPGlite(pglite, release);
  } catch (err) {
    await release();
    throw err;
  }
}

function wrapPGlite(pglite: PGlite, release: () => Promise<void>): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  let closed = false;
  return {
    db,
    dialect: 'pglite',
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await pglite.close();
      await release();
    },
  };
}
