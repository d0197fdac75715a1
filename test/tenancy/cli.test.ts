/**
 * `vitrina db migrate`, `tenant create` and `apikey create`: what they print, their exit codes
 * and their usage errors, run in-process on both databases (cli-in-process.ts); one run of the
 * real binary shows the same through a process boundary.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApiKey } from '../../src/cli/commands/apikey.js';
import { registerDb } from '../../src/cli/commands/db.js';
import { registerTenant } from '../../src/cli/commands/tenant.js';
import { createDatabase } from '../../src/db/database.js';
import { verifyApiKey } from '../../src/tenancy/api-keys.js';
import { vitrinaInProcess } from '../support/cli-in-process.js';
import { BACKENDS, createScratchPostgres } from '../support/database.js';
import { vitrina } from '../support/run-cli.js';

/** A fresh database (and DATA_DIR) for the commands to use: the environment, and how to remove it. */
async function scratchEnv(backend: (typeof BACKENDS)[number]): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-cli-'));
  if (backend === 'pglite') return { env: { DATA_DIR: dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  const scratch = await createScratchPostgres();
  return {
    env: { DATABASE_URL: scratch.url, DATA_DIR: dataDir },
    async cleanup() {
      await scratch.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe.each(BACKENDS)('vitrina tenant / apikey / db commands on %s', (backend) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  const cli = (args: string[]) => vitrinaInProcess([registerDb, registerTenant, registerApiKey], args, env);

  beforeAll(async () => {
    ({ env, cleanup } = await scratchEnv(backend));
  });
  afterAll(() => cleanup());

  // The first command on a fresh DATA_DIR initialises PGlite's data folder: 3 s on a quiet
  // machine, 30 on a loaded one.
  it('db migrate applies, then says the database is up to date', { timeout: 90_000 }, async () => {
    const first = await cli(['db', 'migrate']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied 0001-initial/);
    const again = await cli(['db', 'migrate']);
    expect(again.stdout).toMatch(/is up to date\.\n$/);
  });

  it('tenant create prints the new tenant id, apikey create a working token', async () => {
    const created = await cli(['tenant', 'create', '--name', 'CLI Shop', '--email', 'cli@example.test', '--password', 'long enough']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^\d+\n$/);
    const tenantId = Number(created.stdout.trim());
    const euro = await cli([
      'tenant',
      'create',
      '--name',
      'Euro Shop',
      '--email',
      'eur@example.test',
      '--password',
      'long enough',
      '--currency',
      'eur',
    ]);
    expect(euro.code).toBe(0);

    const key = await cli(['apikey', 'create', '--tenant', String(tenantId), '--name', 'sync']);
    expect(key.code).toBe(0);
    const token = key.stdout.trim();
    expect(token).toMatch(/^vk_[0-9a-f]{12}_/);

    const handle = await createDatabase({ databaseUrl: env['DATABASE_URL'], dataDir: env['DATA_DIR']! });
    try {
      expect(await verifyApiKey(handle.db, token)).toBe(tenantId);
      const currencies = await handle.db.selectFrom('tenants').select(['id', 'currency']).orderBy('id').execute();
      expect(currencies.map((r) => r.currency)).toEqual(['USD', 'EUR']);
    } finally {
      await handle.close();
    }
  });

  it('missing or bad input: exit code 2 and one line saying what to fix', async () => {
    const missing = await cli(['tenant', 'create', '--name', 'X', '--password', 'long enough']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^vitrina tenant create: --email is required[^\n]*\n$/);

    const short = await cli(['tenant', 'create', '--name', 'X', '--email', 'x@example.test', '--password', 'short']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^[^\n]*at least 8 characters[^\n]*\n$/);

    const taken = await cli(['tenant', 'create', '--name', 'Y', '--email', 'cli@example.test', '--password', 'long enough']);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/^[^\n]*already exists[^\n]*\n$/);

    const badCurrency = await cli([
      'tenant',
      'create',
      '--name',
      'Z',
      '--email',
      'z@example.test',
      '--password',
      'long enough',
      '--currency',
      'XYZ',
    ]);
    expect(badCurrency.code).toBe(2);
    expect(badCurrency.stderr).toMatch(/^[^\n]*Choose a currency[^\n]*ISO 4217[^\n]*\n$/);

    const noTenant = await cli(['apikey', 'create', '--tenant', '999999', '--name', 'x']);
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toMatch(/no tenant with id 999999/);

    const unknown = await cli(['tenant', 'create', '--colour', 'red']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown option '--colour'\n/);
  });

  it('has --help for each command', async () => {
    const help = await cli(['tenant', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--email <email>/);
  });
});

describe('the vitrina binary', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ env, cleanup } = await scratchEnv('postgres'));
  });
  afterAll(() => cleanup());

  it('prints the new tenant id alone on stdout and exits 0; bad input exits 2 with one line on stderr', async () => {
    const [created, missing] = await Promise.all([
      vitrina(['tenant', 'create', '--name', 'Bin Shop', '--email', 'bin@example.test', '--password', 'long enough'], env),
      vitrina(['tenant', 'create', '--name', 'X', '--password', 'long enough'], env),
    ]);
    expect([created.code, created.stdout]).toEqual([0, expect.stringMatching(/^\d+\n$/)]);
    expect(created.stderr).toMatch(/^Created tenant \d+ "Bin Shop" [^\n]*\n$/);
    expect([missing.code, missing.stdout]).toEqual([2, '']);
    expect(missing.stderr).toMatch(/^vitrina tenant create: --email is required[^\n]*\n$/);
  });
});
