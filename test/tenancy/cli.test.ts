import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.js';
import { verifyApiKey } from '../../src/tenancy/api-keys.js';
import { BACKENDS, createScratchPostgres } from '../support/database.js';
import { vitrina } from '../support/run-cli.js';

describe.each(BACKENDS)('vitrina tenant / apikey / db commands on %s', (backend) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-cli-'));
    if (backend === 'postgres') {
      const scratch = await createScratchPostgres();
      env = { DATABASE_URL: scratch.url, DATA_DIR: dataDir, PASSWORD_HASH_COST: '14' };
      cleanup = async () => {
        await scratch.drop();
        await rm(dataDir, { recursive: true, force: true });
      };
    } else {
      env = { DATA_DIR: dataDir, PASSWORD_HASH_COST: '14' };
      cleanup = () => rm(dataDir, { recursive: true, force: true });
    }
  });
  afterAll(() => cleanup());

  it('db migrate applies, then says the database is up to date', async () => {
    const first = await vitrina(['db', 'migrate'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied 0001-initial/);
    const again = await vitrina(['db', 'migrate'], env);
    expect(again.stdout).toMatch(/is up to date\.\n$/);
  });

  it('tenant create prints the new tenant id, apikey create a working token', async () => {
    const created = await vitrina(
      ['tenant', 'create', '--name', 'CLI Shop', '--email', 'cli@example.test', '--password', 'long enough'],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^\d+\n$/);
    const tenantId = Number(created.stdout.trim());

    const key = await vitrina(['apikey', 'create', '--tenant', String(tenantId), '--name', 'sync'], env);
    expect(key.code).toBe(0);
    const token = key.stdout.trim();
    expect(token).toMatch(/^vk_[0-9a-f]{12}_/);

    const handle = await createDatabase({ databaseUrl: env['DATABASE_URL'], dataDir: env['DATA_DIR']! });
    try {
      expect(await verifyApiKey(handle.db, token)).toBe(tenantId);
    } finally {
      await handle.close();
    }
  });

  it('missing or bad input: exit code 2 and one line saying what to fix', async () => {
    const missing = await vitrina(['tenant', 'create', '--name', 'X', '--password', 'long enough'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^vitrina tenant create: --email is required[^\n]*\n$/);

    const short = await vitrina(['tenant', 'create', '--name', 'X', '--email', 'x@example.test', '--password', 'short'], env);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^[^\n]*at least 8 characters[^\n]*\n$/);

    const taken = await vitrina(['tenant', 'create', '--name', 'Y', '--email', 'cli@example.test', '--password', 'long enough'], env);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/^[^\n]*already exists[^\n]*\n$/);

    const noTenant = await vitrina(['apikey', 'create', '--tenant', '999999', '--name', 'x'], env);
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toMatch(/no tenant with id 999999/);
  });

  it('has --help for each command', async () => {
    const help = await vitrina(['tenant', 'create', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--email <email>/);
  });
});
