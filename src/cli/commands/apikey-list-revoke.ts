/**
 * The work of `vitrina apikey list` and `vitrina apikey revoke`, apart from the command line so a
 * test runs it in-process against its database. The API asks the database for a key on every
 * request (there is no cache of keys), so a revoked key is refused by every instance at once.
 *
 * @example
 *   const withDb: WithDb = (work) => work(db);
 *   await listKeys({ tenant: '1', json: true }, processIo, withDb);   // prints a JSON array; 0
 *   await revokeKey({ tenant: '1', id: '7' }, processIo, withDb);     // 0, or 1 for no such key
 */
import type { ApiKey } from '../../db/schema.js';
import { listApiKeys, revokeApiKey } from '../../tenancy/api-keys.js';
import { getTenant } from '../../tenancy/tenants.repository.js';
import { EXIT_BAD_INPUT } from './cli-database.js';
import { EXIT_NOT_FOUND, parseId, type CommandIo, type WithDb } from './command-io.js';

const iso = (date: Date | null) => (date === null ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z'));

function summary(key: Omit<ApiKey, 'hash'>) {
  return {
    id: key.id,
    name: key.name,
    prefix: `vk_${key.prefix}`,
    createdAt: iso(key.created_at),
    lastUsedAt: iso(key.last_used_at),
    revokedAt: iso(key.revoked_at),
  };
}

/** Columns padded to their widest cell; the name, which may hold spaces, last. */
function table(rows: ReturnType<typeof summary>[]): string {
  const cells = [
    ['ID', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED', 'NAME'],
    ...rows.map((r) => [String(r.id), r.prefix, r.createdAt ?? '', r.lastUsedAt ?? 'never', r.revokedAt ?? '-', r.name]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export async function listKeys(options: { tenant?: string; json?: boolean }, io: CommandIo, withDb: WithDb): Promise<number> {
  const tenantId = parseId(options.tenant);
  if (tenantId === undefined) return bad(io, 'apikey list', '--tenant is required and must be a tenant id such as 1.');
  const keys = await withDb(async (db) => ((await getTenant(db, tenantId)) === undefined ? undefined : listApiKeys(db, tenantId)));
  if (keys === undefined) return bad(io, 'apikey list', `there is no tenant with id ${tenantId}.`);
  const rows = keys.map(summary);
  if (options.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length === 0)
    io.err(`Tenant ${tenantId} has no API keys; make one with \`vitrina apikey create --tenant ${tenantId} --name NAME\`.\n`);
  else io.out(table(rows));
  return 0;
}

export async function revokeKey(options: { tenant?: string; id?: string }, io: CommandIo, withDb: WithDb): Promise<number> {
  const tenantId = parseId(options.tenant);
  if (tenantId === undefined) return bad(io, 'apikey revoke', '--tenant is required and must be a tenant id such as 1.');
  const id = parseId(options.id);
  if (id === undefined)
    return bad(io, 'apikey revoke', '--id is required and must be a key id as `vitrina apikey list` shows it, such as 3.');
  if (!(await withDb((db) => revokeApiKey(db, tenantId, id)))) {
    io.err(
      `vitrina apikey revoke: tenant ${tenantId} has no active API key with id ${id} (see \`vitrina apikey list --tenant ${tenantId}\`).\n`,
    );
    return EXIT_NOT_FOUND;
  }
  io.err(`Revoked API key ${id} of tenant ${tenantId}; the API refuses it from now on.\n`);
  return 0;
}

function bad(io: CommandIo, command: string, message: string): number {
  io.err(`vitrina ${command}: ${message}\n`);
  return EXIT_BAD_INPUT;
}
