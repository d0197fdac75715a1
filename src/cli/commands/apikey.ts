/**
 * `vitrina apikey create --tenant ID --name NAME`: prints the token once, on stdout alone, for
 * `Authorization: Bearer <token>`. Only its hash is stored; a lost token is replaced, not recovered.
 * `vitrina apikey list --tenant ID [--json]` and `vitrina apikey revoke --tenant ID --id N`
 * (apikey-list-revoke.ts): what keys a tenant has, and the end of one.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { getTenant } from '../../tenancy/tenants.repository.js';
import { listKeys, revokeKey } from './apikey-list-revoke.js';
import { badInput, reportInputError, withMigratedDatabase } from './cli-database.js';
import { processIo, type WithDb } from './command-io.js';

/** The configured database, migrated, for one command's work. */
const configuredDb: WithDb = (work) => withMigratedDatabase(loadConfig(process.env), ({ db }) => work(db));

export function registerApiKey(program: Command): void {
  const apikey = program.command('apikey').description('Manage per-tenant API keys for the JSON API (/api/v1).');
  apikey
    .command('create')
    .description('Create an API key for a tenant; prints the token once.')
    .option('--tenant <id>', 'tenant id (as printed by `vitrina tenant create`)')
    .option('--name <name>', 'what the key is for, e.g. "shop sync"')
    .addHelpText('after', '\nExample:\n  vitrina apikey create --tenant 1 --name "shop sync"\n')
    .action(async (options: { tenant?: string; name?: string }) => {
      const command = 'apikey create';
      if (options.tenant === undefined || !/^\d{1,9}$/.test(options.tenant.trim())) {
        return badInput(command, '--tenant is required and must be a tenant id such as 1.');
      }
      if (options.name === undefined || options.name.trim() === '') {
        return badInput(command, '--name is required (what the key is for, e.g. "shop sync").');
      }
      const tenantId = Number(options.tenant.trim());
      const config = loadConfig(process.env);
      await withMigratedDatabase(config, async ({ db }) => {
        if ((await getTenant(db, tenantId)) === undefined) return badInput(command, `there is no tenant with id ${tenantId}.`);
        try {
          const { id, token } = await createApiKey(db, { tenantId, name: options.name! });
          process.stdout.write(`${token}\n`);
          process.stderr.write(
            `Created API key ${id} (revoke it with \`vitrina apikey revoke --tenant ${tenantId} --id ${id}\`). Keep this token now: it is not stored and cannot be shown again.\n`,
          );
        } catch (err) {
          reportInputError(command, err);
        }
      });
    });
  apikey
    .command('list')
    .description("List a tenant's API keys: id, prefix (the token's start), created, last used, revoked, name.")
    .option('--tenant <id>', 'tenant id')
    .option('--json', 'print a JSON array instead of a table')
    .addHelpText('after', '\nExample:\n  vitrina apikey list --tenant 1\n')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      process.exitCode = await listKeys(options, processIo, configuredDb);
    });
  apikey
    .command('revoke')
    .description('Revoke an API key: the API refuses it from then on, on every instance. Exit 1 when the tenant has no such active key.')
    .option('--tenant <id>', 'tenant id')
    .option('--id <n>', 'the key id, as `vitrina apikey list` shows it')
    .addHelpText('after', '\nExample:\n  vitrina apikey revoke --tenant 1 --id 3\n')
    .action(async (options: { tenant?: string; id?: string }) => {
      process.exitCode = await revokeKey(options, processIo, configuredDb);
    });
}
