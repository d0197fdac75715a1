/**
 * Structured logs (pino), one JSON line per event. Secrets are redacted by path wherever they
 * could appear, and error causes are serialised without request headers.
 *
 * A request is logged by its method, URL, host and peer; the URL with its secret query
 * parameters masked (redact-url.ts), so a signed link's signature or a presigned URL's
 * credential never reaches a log line.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactUrl } from './redact-url.js';

export type { Logger };

export const REDACT_PATHS = [
  'secretAccessKey',
  '*.secretAccessKey',
  'accessKeyId',
  '*.accessKeyId',
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'token',
  '*.token',
  // What AWS S3 copies from a refused request into its error (and so onto the SDK's exception):
  // the key id, and the string the signature was made from.
  '*.AWSAccessKeyId',
  '*.StringToSign',
  '*.StringToSignBytes',
  '*.SignatureProvided',
  '*.CanonicalRequest',
  '*.CanonicalRequestBytes',
  // PGlite puts a failed query's parameters on its error: request data (an email, a digest), not for the log.
  'err.params',
];

/** The fields of a Fastify request that a log line carries (Fastify's own choice, URL redacted). */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

/** Replaces Fastify's `req` serializer (a logger instance's serializers win over Fastify's). */
export function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** `destination`: a file descriptor, a path, or a stream (tests read the lines back). */
export function createLogger(options: { level: string; name?: string; destination?: number | string | DestinationStream }): Logger {
  const { destination = 1 } = options;
  return pino(
    {
      name: options.name ?? 'vitrina',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { req: serializeRequest },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    typeof destination === 'object' ? destination : pino.destination({ dest: destination, sync: false }),
  );
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
