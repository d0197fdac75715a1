import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { initStorage } from '../../storage/init-storage.js';
import { registerStorageMigrate } from './storage-migrate.js';
import { registerStorageReconcile } from './storage-reconcile.js';

export function registerStorage(program: Command): void {
  const storage = program.command('storage').description('Manage the object store.');
  storage
    .command('init')
    .description(
      'Create the bucket when missing. With S3_PUBLIC_URL set, apply a read-only public policy limited to ' +
        'the image prefix t/*/img/* (or print the policy to apply by hand where the provider refuses policies). ' +
        'Never makes anything public otherwise.',
    )
    .action(async () => {
      const config = loadConfig(process.env);
      // Loaded here, not above: `storage migrate` needs none of the app (image pipeline, metrics) and starts sooner without it.
      const { createAppContext } = await import('../../app-context.js');
      const ctx = await createAppContext(config, createLogger({ level: 'warn' }));
      try {
        const outcome = await initStorage(config, ctx.store);
        for (const line of outcome.messages) process.stdout.write(`${line}\n`);
        if (outcome.manualPolicy !== undefined) {
          process.stdout.write(`${outcome.manualPolicy}\n`);
          process.exitCode = 1;
        }
      } finally {
        await ctx.store.close();
      }
    });
  registerStorageReconcile(storage);
  registerStorageMigrate(storage);
}
