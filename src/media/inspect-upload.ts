/**
 * What the upload request itself checks, before its rows are committed: everything that can
 * tell a usable image from a file that is not one, so a refused file gets its reason at once
 * and nothing of it is kept.
 *
 *   type from the bytes (allowed list) → no markup hidden in it (polyglots) → the decoder
 *   agrees and the pixel count is within the limit (header only) → the container is complete
 *   → the compressed data decodes to the end (decode-check.ts: a JPEG at 1/8 scale)
 *
 * Orienting, stripping and encoding come later (process-image.ts), from the stored upload.
 * `startInspection` runs the same checks but answers after the sniff, so the upload can be
 * stored while the rest runs (the decode on a libuv thread, beside the put).
 *
 * @example
 *   const upload = await inspectUpload(bytes, { allowedTypes: config.media.allowedTypes, maxPixels });
 *   upload.type.mime; upload.width; upload.height;   // after orientation
 * @throws AppError Unprocessable (empty, damaged, truncated, too many pixels) | UnsupportedMediaType
 *   | Unavailable (too many uploads waiting for a decode)
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { containerProblem } from './container-check.js';
import { DAMAGED_MESSAGE, readHeader, type DecodeLimits, type ImageHeader } from './decode.js';
import { checkDecodes } from './decode-check.js';
import type { ImageType } from './media-types.js';
import { findMarkup } from './polyglot.js';
import { DECODE_BUSY_MESSAGE, DECODE_RETRY_SECONDS } from './decode-slots.js';
import { SemaphoreFullError, type Semaphore } from './semaphore.js';
import { sniffImageType } from './sniff.js';

export interface InspectedUpload extends ImageHeader {
  type: ImageType;
}

export interface InspectOptions extends DecodeLimits {
  allowedTypes?: readonly string[] | undefined;
  /**
   * Bounds how many uploads are decoded at once (the web server's: decode-slots.ts): a burst of
   * uploads then waits here, in turn, instead of filling libuv's thread pool, which file reads
   * and password hashing share, and past its waiting room is refused (Unavailable, 503 with
   * Retry-After). Without it, every check decodes at once.
   */
  decodeSlots?: Semaphore | undefined;
}

export async function inspectUpload(bytes: Uint8Array, options: InspectOptions = {}): Promise<InspectedUpload> {
  const type = await sniffImageType(bytes, options.allowedTypes);
  return checkSniffed(bytes, type, options);
}

/**
 * An upload whose type is known (sniffed) while the rest of its checks may still be running:
 * what `createProduct` and `updateProduct` take (catalog.service.ts).
 */
export interface Inspection {
  type: ImageType;
  /** Resolves once every check has passed; rejects with the refusal. Never an unhandled rejection. */
  result: Promise<InspectedUpload>;
}

/**
 * The sniff at once (a file of the wrong type is refused here), the other checks from the next
 * turn of the event loop on: the caller can start putting the upload under its private key
 * while they run — a 1 MiB upload's scan, header read and decode then cost little time of
 * their own — and must delete it again if `result` refuses it.
 * @throws AppError Unprocessable (empty) | UnsupportedMediaType
 */
export async function startInspection(bytes: Uint8Array, options: InspectOptions = {}): Promise<Inspection> {
  const type = await sniffImageType(bytes, options.allowedTypes);
  const result = nextTurn().then(() => checkSniffed(bytes, type, options));
  result.catch(() => undefined);
  return { type, result };
}

/** An upload inspected in full already, as an Inspection. */
export function inspected(upload: InspectedUpload): Inspection {
  return { type: upload.type, result: Promise.resolve(upload) };
}

/** What `inspection` refused the upload with, or undefined when it passed every check. */
export function refusalOf(inspection: Inspection): Promise<unknown> {
  return inspection.result.then(
    () => undefined,
    (err: unknown) => err,
  );
}

async function checkSniffed(bytes: Uint8Array, type: ImageType, options: InspectOptions): Promise<InspectedUpload> {
  // libvips reads the header on a pool thread while this one scans the bytes; the checks still
  // refuse in the order above (markup, then the header, then the container, then the decode).
  const reading = readHeader(bytes, type, options);
  reading.catch(() => undefined);
  const marker = findMarkup(bytes);
  if (marker !== undefined) {
    throw new AppError('UnsupportedMediaType', `File type not allowed: ${type.mime} with embedded markup (${marker})`);
  }
  const problem = containerProblem(bytes, type.format);
  const header = await reading;
  if (problem !== undefined) throw new AppError('Unprocessable', `${DAMAGED_MESSAGE}: ${problem}`);
  // Only now that the pixel count is known to be within the limit is a pixel decoded.
  const decode = () => checkDecodes(bytes, type, header, options);
  await (options.decodeSlots === undefined ? decode() : inSlot(options.decodeSlots, decode));
  return { type, ...header };
}

/** `decode` in one of the slots, or Unavailable (503, Retry-After) at once when too many wait for one. */
async function inSlot(slots: Semaphore, decode: () => Promise<void>): Promise<void> {
  try {
    await slots.run(decode);
  } catch (err) {
    if (!(err instanceof SemaphoreFullError)) throw err;
    throw new AppError('Unavailable', DECODE_BUSY_MESSAGE, { cause: err, retryAfterSeconds: DECODE_RETRY_SECONDS });
  }
}
