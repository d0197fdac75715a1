/**
 * `vitrina apikey list/revoke` and `vitrina user …` (issue 13, finding 8: API keys could be
 * neither listed nor revoked). The commands' work runs in-process against the test database;
 * one real `vitrina` run per command family checks the command line and stdin wiring.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKeys, revokeKey } from '../../src/cli/commands/apikey-list-revoke.js';
import type { CommandIo, WithDb } from '../../src/cli/commands/command-io.js';
import { readFirstLine } from '../../src/cli/commands/user-access.js';
import { createApiKey } from '../../src/tenancy/api-keys.js';
import { scryptParams } from '../../src/tenancy/password.js';
import { PasswordHashing } from '../../src/tenancy/password-hashing.js';
import { authenticate } from '../../src/tenancy/tenancy.service.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { cleanEnv, PROJECT_ROOT, VITRINA_BIN, vitrina } from '../support/run-cli.js';
import { WebClient } from '../support/web-client.js';

function captured(): CommandIo & { out_: string; err_: string } {
  const io = { out_: '', err_: '', out: (s: string) => void (io.out_ += s), err: (s: string) => void (io.err_ += s) };
  return io;
}

/** Runs bin/vitrina.js with `input` on stdin. */
function vitrinaWithStdin(
  args: string[],
  env: Record<string, string | undefined>,
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITRINA_BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: cleanEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('readFirstLine', () => {
  it('reads the first line without its line end, and no further than the limit', async () => {
    expect(await readFirstLine(Readable.from(['new pass', 'word\r\nsecond line\n']))).toBe('new password');
    expect(await readFirstLine(Readable.from(['no newline at all']))).toBe('no newline at all');
    expect(await readFirstLine(Readable.from([]))).toBeUndefined();
    expect(await readFirstLine(Readable.from(['\n']))).toBeUndefined();
    expect(await readFirstLine(Readable.from(['x'.repeat(2000)]), 1024)).toBeUndefined();
  });
});

describe('apikey list and revoke, two instances on one database (postgres+s3)', () => {
  let a: TestApp;
  let b: TestApp;
  let tenantId: number;
  let otherTenantId: number;
  const withDb: WithDb = (work) => work(a.runtime.db);

  beforeAll(async () => {
    a = await startTestApp('postgres+s3');
    b = await startTestApp('postgres+s3', { database: a.database, shareStorageWith: a });
    await new WebClient(a.app).signUp('Keys Shop', 'keys@cli.test', 'correct horse battery');
    await new WebClient(a.app).signUp('Other Shop', 'other@cli.test', 'correct horse battery');
    const tenants = await a.runtime.db.selectFrom('tenants').select('id').orderBy('id').execute();
    [tenantId, otherTenantId] = tenants.map((r) => r.id) as [number, number];
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const api = (t: TestApp, token: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/products', headers: { authorization: `Bearer ${token}` } });

  it("lists a tenant's keys (table and --json), and a revoked key is refused by every instance at once", async () => {
    const sync = await createApiKey(a.runtime.db, { tenantId, name: 'shop sync' });
    const backup = await createApiKey(a.runtime.db, { tenantId, name: 'backup' });
    await createApiKey(a.runtime.db, { tenantId: otherTenantId, name: 'not theirs' });
    expect((await api(a, sync.token)).statusCode).toBe(200);

    const table = captured();
    expect(await listKeys({ tenant: String(tenantId) }, table, withDb)).toBe(0);
    const lines = table.out_.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +PREFIX +CREATED +LAST USED +REVOKED +NAME$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(`^${sync.id} +vk_${sync.prefix} +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +\\d{4}-[^ ]+Z +- +shop sync$`),
    );
    expect(lines[2]).toMatch(new RegExp(`^${backup.id} +vk_${backup.prefix} +[^ ]+ +never +- +backup$`));
    expect(table.out_).not.toContain('not theirs');

    const revoked = captured();
    expect(await revokeKey({ tenant: String(tenantId), id: String(sync.id) }, revoked, withDb)).toBe(0);
    expect(revoked.err_).toBe(`Revoked API key ${sync.id} of tenant ${tenantId}; the API refuses it from now on.\n`);
    for (const instance of [a, b]) {
      const res = await api(instance, sync.token);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'Unauthorized', message: expect.stringContaining('revoked') } });
    }
    expect((await api(b, backup.token)).statusCode).toBe(200);

    const json = captured();
    expect(await listKeys({ tenant: String(tenantId), json: true }, json, withDb)).toBe(0);
    const listed = JSON.parse(json.out_) as {
      id: number;
      name: string;
      prefix: string;
      createdAt: string;
      lastUsedAt: string | null;
      revokedAt: string | null;
    }[];
    expect(listed.map((k) => [k.id, k.name, k.prefix, k.revokedAt === null])).toEqual([
      [sync.id, 'shop sync', `vk_${sync.prefix}`, false],
      [backup.id, 'backup', `vk_${backup.prefix}`, true],
    ]);
    expect(listed[1]!.lastUsedAt).not.toBeNull();
  });

  it('no such key in that tenant (or revoked already): exit 1 and one line; bad options: exit 2 and one line', async () => {
    const theirs = await createApiKey(a.runtime.db, { tenantId: otherTenantId, name: 'theirs' });
    const cases: [Promise<number>, CommandIo & { err_: string }, number, RegExp][] = [];
    const run = (p: (io: CommandIo) => Promise<number>, code: number, line: RegExp) => {
      const io = captured();
      cases.push([p(io), io, code, line]);
    };
    run(
      (io) => revokeKey({ tenant: String(tenantId), id: String(theirs.id) }, io, withDb),
      1,
      new RegExp(
        `^vitrina apikey revoke: tenant ${tenantId} has no active API key with id ${theirs.id} \\(see \`vitrina apikey list --tenant ${tenantId}\`\\)\\.\\n$`,
      ),
    );
    run(
      (io) => revokeKey({ tenant: String(tenantId), id: '999999' }, io, withDb),
      1,
      /^vitrina apikey revoke: tenant \d+ has no active API key with id 999999[^\n]*\n$/,
    );
    run((io) => revokeKey({ tenant: String(tenantId) }, io, withDb), 2, /^vitrina apikey revoke: --id is required[^\n]*\n$/);
    run(
      (io) => revokeKey({ tenant: 'one', id: '1' }, io, withDb),
      2,
      /^vitrina apikey revoke: --tenant is required and must be a tenant id such as 1\.\n$/,
    );
    run((io) => listKeys({ tenant: '0' }, io, withDb), 2, /^vitrina apikey list: --tenant is required[^\n]*\n$/);
    run((io) => listKeys({ tenant: '999999' }, io, withDb), 2, /^vitrina apikey list: there is no tenant with id 999999\.\n$/);
    for (const [code, io, expected, line] of cases) {
      expect(await code).toBe(expected);
      expect(io.err_).toMatch(line);
    }
    expect((await api(a, theirs.token)).statusCode).toBe(200);
  });

  it('as a real command: `apikey revoke`, and `user set-password` reading stdin', async () => {
    const env = { DATABASE_URL: a.database.url, DATA_DIR: a.config.dataDir, PASSWORD_HASH_COST: '14' };
    const key = await createApiKey(a.runtime.db, { tenantId: otherTenantId, name: 'spawned' });
    // Two processes at once: one start-up's wait instead of two.
    const [revoke, changed] = await Promise.all([
      vitrina(['apikey', 'revoke', '--tenant', String(otherTenantId), '--id', String(key.id)], env),
      vitrinaWithStdin(['user', 'set-password', '--email', 'other@cli.test'], env, 'a password from stdin\nignored\n'),
    ]);
    expect([revoke.code, revoke.stderr]).toEqual([
      0,
      `Revoked API key ${key.id} of tenant ${otherTenantId}; the API refuses it from now on.\n`,
    ]);
    expect((await api(b, key.token)).statusCode).toBe(401);

    expect([changed.code, changed.stderr]).toEqual([0, 'Password changed for other@cli.test; 1 session ended.\n']);
    const passwords = new PasswordHashing(scryptParams(14));
    expect((await authenticate(a.runtime.db, 'other@cli.test', 'a password from stdin', { passwords }))?.email).toBe('other@cli.test');
  });
});
