/**
 * `vitrina work`: this instance's background workers alone — image processing, purges and
 * spool replication — without a web server. `vitrina serve` starts one as a child process
 * (JOBS=process, the default with DATABASE_URL); it can also run on machines of its own,
 * as many as needed: they share the work through the database.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { configureSharp } from '../../media/sharp-runtime.js';
import { startRuntime } from '../../runtime.js';
import { parseWorkerMessage, type WorkerMessage } from '../worker-messages.js';

export function registerWork(program: Command): void {
  program
    .command('work')
    .description(
      'Run the background workers only (image processing, purges, spool replication); they share work with every other instance through the database.',
    )
    .addHelpText('after', '\nExample:\n  DATABASE_URL=postgres://localhost/vitrina S3_BUCKET=uploads nice vitrina work\n')
    .action(async () => {
      const config = loadConfig(process.env);
      const logger = createLogger({ level: config.logLevel, name: 'vitrina-work' });
      configureSharp();
      // Under a parent `vitrina serve`, the work done here is counted in the parent's /metrics.
      const parentSend = process.send?.bind(process);
      const send =
        parentSend === undefined ? undefined : (message: WorkerMessage) => void parentSend(message, undefined, {}, () => undefined);
      const runtime = await startRuntime(config, logger, {
        jobs: true,
        initStorage: false,
        forwardMetrics: send === undefined ? undefined : (event) => send({ type: 'metric', event }),
        // Under a parent, the server may be busy already: processing waits for its word (the `ready` below).
        startBusy: send !== undefined,
      });
      // A parent `vitrina serve` says when it committed new work (so it starts without waiting
      // for a poll), hands over the uploads it just stored (so they are not read back), and
      // says when it is busy with requests (image processing waits for its lulls).
      process.on('message', (raw: unknown) => {
        const parsed = parseWorkerMessage(raw);
        if (!parsed.ok) return logger.debug({ event: 'ipc-ignored', reason: parsed.reason }, 'a message from the web process was ignored');
        const m = parsed.message;
        if (m.type === 'busy') runtime.idleGate.setBusy(m.busy);
        else if (m.type === 'hold') runtime.processing.hold(m.assetId, m.bytes);
        else if (m.type === 'kick') runtime.jobs.kick(m.worker);
      });
      // What the parent said before this listener was attached is lost: it says again what still matters.
      send?.({ type: 'ready' });
      const shutdown = async (signal: string) => {
        logger.info({ signal }, 'workers stopping');
        await runtime.close();
        logger.flush();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      // The parent went away without a signal (crashed): don't outlive it.
      process.once('disconnect', () => void shutdown('disconnect'));
      // …or went away while this process was still starting, before that listener was there.
      if (send !== undefined && !process.connected) void shutdown('disconnect');
      logger.info({ event: 'workers-started', workers: config.media.workers }, 'background workers running');
    });
}
