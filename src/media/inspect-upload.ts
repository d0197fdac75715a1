/**
 * What the upload request itself checks, before anything is stored: cheap, so the request
 * stays fast, and thorough enough that a refused file gets its reason at once.
 *
 *   type from the bytes (allowed list) → no markup hidden in it (polyglots) → the decoder
 *   agrees and the pixel count is within the limit (header only) → the container is complete
 *
 * Decoding every pixel, orienting, stripping and encoding come later (process-image.ts),
 * from the stored upload.
 *
 * @example
 *   const upload = await inspectUpload(bytes, { allowedTypes: config.media.allowedTypes, maxPixels });
 *   upload.type.mime; upload.width; upload.height;   // after orientation
 * @throws AppError Unprocessable (empty, damaged, truncated, too many pixels) | UnsupportedMediaType
 */
import { AppError } from '../errors.js';
import { containerProblem } from './container-check.js';
import { DAMAGED_MESSAGE, readHeader, type DecodeLimits, type ImageHeader } from './decode.js';
import type { ImageType } from './media-types.js';
import { findMarkup } from './polyglot.js';
import { sniffImageType } from './sniff.js';

export interface InspectedUpload extends ImageHeader {
  type: ImageType;
}

export interface InspectOptions extends DecodeLimits {
  allowedTypes?: readonly string[] | undefined;
}

export async function inspectUpload(bytes: Uint8Array, options: InspectOptions = {}): Promise<InspectedUpload> {
  const type = await sniffImageType(bytes, options.allowedTypes);
  // libvips reads the header on a pool thread while this one scans the bytes; the checks still
  // refuse in the order above (markup, then the header, then the container).
  const reading = readHeader(bytes, type, options);
  reading.catch(() => undefined);
  const marker = findMarkup(bytes);
  if (marker !== undefined) {
    throw new AppError('UnsupportedMediaType', `File type not allowed: ${type.mime} with embedded markup (${marker})`);
  }
  const problem = containerProblem(bytes, type.format);
  const header = await reading;
  if (problem !== undefined) throw new AppError('Unprocessable', `${DAMAGED_MESSAGE}: ${problem}`);
  return { type, ...header };
}
