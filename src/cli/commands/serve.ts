import type { Command } from 'commander';
import { createAppContext } from '../../app-context.js';
import { loadConfig } from '../../config.js';
import { buildApp } from '../../http/app.js';
import { createLogger } from '../../logger.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the web server (PORT, HOST; embedded PGlite + local disk unless configured otherwise).')
    .action(async () => {
      const config = loadConfig(process.env);
      const logger = createLogger({ level: config.logLevel });
      const ctx = await createAppContext(config, logger);
      const app = await buildApp(ctx);
      const shutdown = async (signal: string) => {
        logger.info({ signal }, 'shutting down');
        await app.close();
        await ctx.store.close();
        logger.flush();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      await app.listen({ port: config.port, host: config.host });
      logger.info({ url: config.appUrl, storage: ctx.store.location, database: config.databaseUrl ? 'postgresql' : 'pglite' }, `Vitrina is running at ${config.appUrl}`);
    });
}
