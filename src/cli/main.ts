/**
 * The `vitrina` command. Each sub-command lives in its own file under ./commands and adds
 * itself to the program; every command has --help.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';

/**
 * Each command's module, loaded only when needed: `vitrina storage migrate` need not load the
 * web server, sharp or the image pipeline (about a second of start-up through tsx), and a
 * mistyped option is answered at once. Listing order is the order of --help.
 */
const COMMANDS: ReadonlyArray<[name: string, load: () => Promise<(program: Command) => void>]> = [
  ['serve', async () => (await import('./commands/serve.js')).registerServe],
  ['work', async () => (await import('./commands/work.js')).registerWork],
  ['doctor', async () => (await import('./commands/doctor.js')).registerDoctor],
  ['storage', async () => (await import('./commands/storage.js')).registerStorage],
  ['db', async () => (await import('./commands/db.js')).registerDb],
  ['tenant', async () => (await import('./commands/tenant.js')).registerTenant],
  ['apikey', async () => (await import('./commands/apikey.js')).registerApiKey],
  ['user', async () => (await import('./commands/user.js')).registerUser],
  ['import', async () => (await import('./commands/import-legacy.js')).registerImportLegacy],
];

const program = new Command('vitrina')
  .description('Vitrina: a multi-tenant product catalog whose images live in S3-compatible storage.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

// The command named on the line alone; every command for anything else (--help, help, a typo).
const named = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const wanted = COMMANDS.filter(([name]) => name === named);
for (const [, load] of wanted.length > 0 ? wanted : COMMANDS) (await load())(program);

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
