/**
 * The child process `vitrina serve` runs its background workers in (JOBS=process): started
 * with the same environment, at a lower CPU priority (nice 10) so that decoding and encoding
 * images only ever uses CPU the web server leaves idle, told over IPC when new work was
 * committed (and handed the uploads' bytes, so they are not read back from the store),
 * restarted (with backoff) if it dies, and stopped with the server.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';
import type { CounterEvent } from '../metrics.js';
import { parseWorkerMessage, type WorkerMessage } from './worker-messages.js';

const BIN = fileURLToPath(new URL('../../bin/vitrina.js', import.meta.url));
const NICENESS = 10;

export interface WorkerProcess {
  kick(worker: string): void;
  hold(assetId: string, bytes: Buffer): void;
  /** The web server is busy (true) or in a lull (false): the child's image processing waits for lulls. */
  busy(busy: boolean): void;
  stop(): Promise<void>;
}

/** Uploads on their way to the child at most; past it the child reads them from the store. */
const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;

/** @param onMetric receives the counter increments the worker process reports. */
export function startWorkerProcess(logger: Logger, onMetric: (event: CounterEvent) => void = () => {}): WorkerProcess {
  let child: ChildProcess | undefined;
  let stopping = false;
  let busyNow = false;
  let restarts = 0;

  const spawnChild = () => {
    const started = Date.now();
    // 'advanced' serialization sends a Buffer as bytes (the default JSON would spell out every byte).
    const c = fork(BIN, ['work'], {
      env: { ...process.env, JOBS: 'inline' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child = c;
    try {
      if (c.pid !== undefined) setPriority(c.pid, NICENESS);
    } catch (err) {
      logger.warn({ err }, "could not lower the workers' CPU priority");
    }
    c.on('error', (err) => logger.error({ err }, 'the worker process failed'));
    c.on('message', (raw: unknown) => {
      const parsed = parseWorkerMessage(raw);
      if (!parsed.ok) return logger.debug({ event: 'ipc-ignored', reason: parsed.reason }, 'a message from the worker process was ignored');
      const m = parsed.message;
      if (m.type === 'metric') onMetric(m.event);
      // Messages sent before the child listens are lost: once it does, it hears where the server is now.
      else if (m.type === 'ready' && c.connected) send(c, { type: 'busy', busy: busyNow });
    });
    c.once('exit', (code, signal) => {
      if (stopping) return;
      // Quick deaths in a row back off (1 s, 2 s … 30 s); a long-lived child resets the count.
      restarts = Date.now() - started > 60_000 ? 0 : restarts + 1;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(restarts, 5));
      logger.error({ event: 'worker-exit', code, signal, restartInMs: delay }, 'the worker process exited; restarting it');
      setTimeout(() => !stopping && spawnChild(), delay).unref();
    });
  };
  spawnChild();

  let inFlight = 0;
  return {
    kick(worker) {
      if (child?.connected) send(child, { type: 'kick', worker });
    },
    busy(busy) {
      busyNow = busy;
      if (child?.connected) send(child, { type: 'busy', busy });
    },
    hold(assetId, bytes) {
      if (!child?.connected || inFlight + bytes.length > MAX_IN_FLIGHT_BYTES) return;
      inFlight += bytes.length;
      send(child, { type: 'hold', assetId, bytes }, () => (inFlight -= bytes.length));
    },
    async stop() {
      stopping = true;
      const c = child;
      if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sends one message; a child that went away meanwhile is not an error (its exit is handled). */
function send(child: ChildProcess, message: WorkerMessage, done: () => void = () => undefined): void {
  child.send(message, () => done());
}
