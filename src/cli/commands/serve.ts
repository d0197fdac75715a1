/**
 * `vitrina serve`: the web server plus this instance's background workers. On the embedded
 * default (no DATABASE_URL) the first start also makes a demo catalog and logs its login.
 */
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { seedDemoData } from '../../catalog/demo-data.js';
import { loadConfig, type Config } from '../../config.js';
import { buildApp } from '../../http/app.js';
import { buildMetricsApp } from '../../http/metrics-app.js';
import { createLogger } from '../../logger.js';
import { configureSharp } from '../../media/sharp-runtime.js';
import { startRuntime, type Runtime } from '../../runtime.js';
import { startWorkerProcess, type WorkerProcess } from '../worker-process.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      "Run the web server (PORT, HOST) and this instance's background workers (image processing, purges, spool " +
        'replication): in a child process at lower CPU priority with DATABASE_URL (JOBS=process), beside the server on ' +
        'the embedded database (JOBS=inline). Embedded PGlite + local disk in DATA_DIR unless DATABASE_URL / S3_* are set. ' +
        'Slow clients are cut off by HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_IDLE_TIMEOUT_MS and ' +
        'HTTP_RESPONSE_TIMEOUT_MS; TRUST_PROXY names the proxies in front (a hop count or their addresses); /metrics is ' +
        'served only with METRICS_TOKEN (on PORT) or METRICS_PORT (a listener of its own).',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  vitrina serve\n  DATABASE_URL=postgres://localhost/vitrina S3_BUCKET=uploads S3_ENDPOINT=http://127.0.0.1:9000 vitrina serve\n',
    )
    .action(async () => {
      const config = loadConfig(process.env);
      const logger = createLogger({ level: config.logLevel });
      configureSharp();
      // Migrations and the bucket are settled first, then the ports are taken, and only then does
      // the workers' process start: a start that fails (a port in use) leaves nothing running.
      let workers: WorkerProcess | undefined;
      const runtime = await startRuntime(
        config,
        logger,
        config.jobs === 'process'
          ? {
              remoteWorkers: {
                kick: (name) => workers?.kick(name),
                hold: (id, bytes) => workers?.hold(id, bytes),
                busy: (busy) => workers?.busy(busy),
              },
            }
          : {},
      );
      const apps: FastifyInstance[] = [];
      try {
        apps.push(await buildApp(runtime));
        await listen(apps[0]!, config.port, config.host, 'PORT');
        if (config.metrics.port !== undefined) {
          apps.push(await buildMetricsApp(runtime));
          await listen(apps[1]!, config.metrics.port, config.metrics.host, 'METRICS_PORT');
        }
      } catch (err) {
        for (const app of apps) await app.close();
        await runtime.close();
        throw err;
      }
      const shutdown = async (signal: string) => {
        logger.info({ signal }, 'shutting down');
        for (const app of apps) await app.close();
        await workers?.stop();
        await runtime.close();
        logger.flush();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      if (config.jobs === 'process') {
        workers = startWorkerProcess(logger, (e) => runtime.metrics.count(e.counter, e.labels, e.value));
        // Where the server is now; changes from here on reach the child as they happen.
        workers.busy(runtime.activity.busy);
      }
      logger.info(
        { url: config.appUrl, storage: runtime.store.location, database: config.databaseUrl ? 'postgresql' : 'pglite' },
        `Vitrina is running at ${config.appUrl}`,
      );
      await seedDemo(config, runtime);
    });
}

/** Listens, or says in one line what to change when the address is taken. */
async function listen(app: FastifyInstance, port: number, host: string, variable: string): Promise<void> {
  try {
    await app.listen({ port, host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`${host}:${port} is already in use: stop what listens there, or set ${variable}`, { cause: err });
    if (code === 'EACCES')
      throw new Error(`not allowed to listen on ${host}:${port}: set ${variable} to a port above 1023`, { cause: err });
    throw err;
  }
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
