/** `vitrina db migrate`: applies pending migrations to the configured database and says which ran. */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { withMigratedDatabase } from './cli-database.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('Database maintenance (PostgreSQL at DATABASE_URL, or embedded PGlite in DATA_DIR).');
  db.command('migrate')
    .description('Apply pending migrations; safe to run while other instances start (they wait on a lock).')
    .addHelpText('after', '\nExample:\n  DATABASE_URL=postgres://user@host/vitrina vitrina db migrate\n')
    .action(async () => {
      const config = loadConfig(process.env);
      await withMigratedDatabase(config, async ({ dialect }, migrated) => {
        const where = dialect === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
        if (migrated.length === 0) process.stdout.write(`Database (${where}) is up to date.\n`);
        for (const name of migrated) process.stdout.write(`Applied ${name}\n`);
        if (migrated.length > 0) process.stdout.write(`Database (${where}) is up to date: ${migrated.length} migration(s) applied.\n`);
      });
    });
}
