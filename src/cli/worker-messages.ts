/**
 * What `vitrina serve` and its worker process (`vitrina work`, JOBS=process) say to each other
 * over IPC, as one discriminated union, and the one parser both sides run on what they
 * receive: a message of another shape (a different version, a stray `process.send`) is
 * ignored, never cast and trusted.
 *
 * serve → work: `kick` (new work for a worker was committed), `busy` (the web server is busy
 * with requests, or has had a lull: image processing waits for lulls), `hold` (an upload's
 * bytes, so processing need not read them back from the store).
 * work → serve: `ready` (the child listens now; what was said before is lost), `metric` (a
 * counter increment, reported in the parent's /metrics).
 *
 * @example
 *   child.send({ type: 'kick', worker: 'process-images' } satisfies WorkerMessage);
 *   process.on('message', (raw) => {
 *     const parsed = parseWorkerMessage(raw);
 *     if (!parsed.ok) return logger.debug({ reason: parsed.reason }, 'IPC message ignored');
 *     if (parsed.message.type === 'kick') jobs.kick(parsed.message.worker);
 *   });
 */
import { isCounterEvent, type CounterEvent } from '../metrics.js';

export type WorkerMessage =
  | { type: 'kick'; worker: string }
  | { type: 'busy'; busy: boolean }
  | { type: 'hold'; assetId: string; bytes: Buffer }
  | { type: 'ready' }
  | { type: 'metric'; event: CounterEvent };

export type ParsedMessage = { ok: true; message: WorkerMessage } | { ok: false; reason: string };

/** Longer than any worker name or asset id (a UUID): such a string is not one. */
const MAX_NAME_LENGTH = 64;
/** A counter's labels: a few short strings. */
const MAX_LABELS = 8;
const MAX_LABEL_LENGTH = 128;

const ignored = (reason: string): ParsedMessage => ({ ok: false, reason });
const shortString = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LENGTH;

/** The message, if `value` has the shape of one; otherwise why it is ignored. */
export function parseWorkerMessage(value: unknown): ParsedMessage {
  if (typeof value !== 'object' || value === null) return ignored('not an object');
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'kick':
      return shortString(m.worker) ? { ok: true, message: { type: 'kick', worker: m.worker } } : ignored('kick without a worker name');
    case 'busy':
      return typeof m.busy === 'boolean' ? { ok: true, message: { type: 'busy', busy: m.busy } } : ignored('busy without a boolean');
    case 'hold':
      // 'advanced' serialization delivers a Buffer as a Uint8Array: viewed again as a Buffer, not copied.
      if (!shortString(m.assetId) || !(m.bytes instanceof Uint8Array)) return ignored('hold without an asset id and bytes');
      return {
        ok: true,
        message: { type: 'hold', assetId: m.assetId, bytes: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength) },
      };
    case 'ready':
      return { ok: true, message: { type: 'ready' } };
    case 'metric':
      return isWellFormedEvent(m.event)
        ? { ok: true, message: { type: 'metric', event: m.event } }
        : ignored('metric with a malformed event');
    default:
      return ignored(typeof m.type === 'string' ? `unknown type ${JSON.stringify(m.type.slice(0, MAX_NAME_LENGTH))}` : 'no type');
  }
}

/** A known counter, a few short string labels, a finite non-negative value. */
function isWellFormedEvent(value: unknown): value is CounterEvent {
  if (!isCounterEvent(value)) return false;
  const { labels, value: n } = value;
  if (n !== undefined && (typeof n !== 'number' || !Number.isFinite(n) || n < 0)) return false;
  if (labels === undefined) return true;
  if (typeof labels !== 'object' || labels === null) return false;
  const entries = Object.entries(labels);
  return (
    entries.length <= MAX_LABELS &&
    entries.every(([k, v]) => k.length <= MAX_LABEL_LENGTH && typeof v === 'string' && v.length <= MAX_LABEL_LENGTH)
  );
}
