/**
 * The `vitrina` command. Each sub-command lives in its own file under ./commands and adds
 * itself to the program; every command has --help.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerApiKey } from './commands/apikey.js';
import { registerDb } from './commands/db.js';
import { registerDoctor } from './commands/doctor.js';
import { registerImportLegacy } from './commands/import-legacy.js';
import { registerServe } from './commands/serve.js';
import { registerStorage } from './commands/storage.js';
import { registerTenant } from './commands/tenant.js';
import { registerWork } from './commands/work.js';

const program = new Command('vitrina')
  .description('Vitrina: a multi-tenant product catalog whose images live in S3-compatible storage.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerServe(program);
registerWork(program);
registerDoctor(program);
registerStorage(program);
registerDb(program);
registerTenant(program);
registerApiKey(program);
registerImportLegacy(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof ConfigError) {
    process.stderr.write(`vitrina: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`vitrina: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
