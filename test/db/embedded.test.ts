import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { isAppError } from '../../src/errors.js';

describe('embedded PGlite in DATA_DIR', () => {
  it('keeps data across restarts and refuses a second opener while in use', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-pgdata-'));
    try {
      const first = await createDatabase({ databaseUrl: undefined, dataDir });
      expect(first.dialect).toBe('pglite');
      await migrateToLatest(first.db);
      await first.db.insertInto('tenants').values({ name: 'Kept', slug: 'kept' }).execute();

      const second = await createDatabase({ databaseUrl: undefined, dataDir }).catch((err: unknown) => err);
      expect(isAppError(second, 'Unavailable')).toBe(true);
      expect((second as Error).message).toMatch(/in use by process \d+/);
      await first.close();

      const reopened = await createDatabase({ databaseUrl: undefined, dataDir });
      try {
        expect(await migrateToLatest(reopened.db)).toEqual([]);
        const names = await reopened.db.selectFrom('tenants').select('name').execute();
        expect(names).toEqual([{ name: 'Kept' }]);
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
