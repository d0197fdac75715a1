/**
 * `vitrina serve`: the web server plus this instance's background workers. On the embedded
 * default (no DATABASE_URL) the first start also makes a demo catalog and logs its login.
 */
import type { Command } from 'commander';
import { seedDemoData } from '../../catalog/demo-data.js';
import { loadConfig, type Config } from '../../config.js';
import { buildApp } from '../../http/app.js';
import { createLogger } from '../../logger.js';
import { configureSharp } from '../../media/sharp-runtime.js';
import { startRuntime, type Runtime } from '../../runtime.js';
import { startWorkerProcess, type WorkerProcess } from '../worker-process.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the web server (PORT, HOST) and this instance\'s background workers (image processing, purges, spool ' +
        'replication): in a child process at lower CPU priority with DATABASE_URL (JOBS=process), beside the server on ' +
        'the embedded database (JOBS=inline). Embedded PGlite + local disk in DATA_DIR unless DATABASE_URL / S3_* are set.',
    )
    .addHelpText('after', '\nExamples:\n  vitrina serve\n  DATABASE_URL=postgres://localhost/vitrina S3_BUCKET=uploads S3_ENDPOINT=http://127.0.0.1:9000 vitrina serve\n')
    .action(async () => {
      const config = loadConfig(process.env);
      const logger = createLogger({ level: config.logLevel });
      configureSharp();
      // Migrations and the bucket are settled here first, then the workers' process starts.
      let workers: WorkerProcess | undefined;
      const runtime = await startRuntime(
        config,
        logger,
        config.jobs === 'process' ? { remoteWorkers: { kick: (name) => workers?.kick(name), hold: (id, bytes) => workers?.hold(id, bytes), busy: (busy) => workers?.busy(busy) } } : {},
      );
      if (config.jobs === 'process') workers = startWorkerProcess(logger, (e) => runtime.metrics.count(e.counter, e.labels, e.value));
      const app = await buildApp(runtime);
      const shutdown = async (signal: string) => {
        logger.info({ signal }, 'shutting down');
        await app.close();
        await workers?.stop();
        await runtime.close();
        logger.flush();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      await app.listen({ port: config.port, host: config.host });
      logger.info(
        { url: config.appUrl, storage: runtime.store.location, database: config.databaseUrl ? 'postgresql' : 'pglite' },
        `Vitrina is running at ${config.appUrl}`,
      );
      await seedDemo(config, runtime);
    });
}

async function seedDemo(config: Config, runtime: Runtime): Promise<void> {
  const wanted = config.demoData === 'on' || (config.demoData === 'auto' && config.databaseUrl === undefined);
  if (!wanted) return;
  const demo = await seedDemoData(runtime.catalog, { maxPixels: config.media.maxPixels });
  if (demo === undefined) return;
  runtime.logger.info(
    { event: 'demo', tenantId: demo.tenantId, email: demo.email, products: demo.products },
    `Demo catalog ready: log in at ${config.appUrl}/login as ${demo.email} / ${demo.password}`,
  );
}
