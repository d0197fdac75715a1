/**
 * Runs the database commands the way src/cli/main.ts does, for the CLI tests while main.ts
 * does not register them yet (test/tenancy/cli.test.ts prefers bin/vitrina.js once it does).
 */
import { Command, CommanderError } from 'commander';
import { registerApiKey } from '../../src/cli/commands/apikey.js';
import { registerDb } from '../../src/cli/commands/db.js';
import { registerTenant } from '../../src/cli/commands/tenant.js';
import { ConfigError } from '../../src/config.js';

const program = new Command('vitrina').exitOverride();
registerDb(program);
registerTenant(program);
registerApiKey(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`vitrina: ${err instanceof ConfigError ? 'configuration error: ' : ''}${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
