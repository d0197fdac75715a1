/**
 * Structured logs (pino), one JSON line per event. Secrets are redacted by path wherever they
 * could appear, and error causes are serialised without request headers.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'secretAccessKey',
  '*.secretAccessKey',
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'token',
  '*.token',
];

export function createLogger(options: { level: string; name?: string; destination?: number | string }): Logger {
  return pino(
    {
      name: options.name ?? 'vitrina',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: options.destination ?? 1, sync: false }),
  );
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
