/**
 * The pure half of the upload pipeline: bytes in, clean encoded images out, no I/O.
 *
 *   sniff type from the bytes → read the header (pixel limit) → decode once, auto-oriented
 *   → re-encode the original in its own format ‖ cascade the WebP variants
 *
 * With variants off the original is decoded and encoded in one streamed pipeline instead.
 *
 * @example
 *   const processed = await processImage(bytes, { allowedTypes: ['image/jpeg'] });
 *   processed.original.width; processed.variants.map((v) => v.name); // ['w160', 'w480', 'w1200']
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { readHeader, decodeOriented, type DecodeLimits } from './decode.js';
import type { EncodeSettings } from './encode.js';
import { DEFAULT_ALLOWED_TYPES } from './media-types.js';
import { findMarkup } from './polyglot.js';
import { sniffImageType } from './sniff.js';
import { encodeOriginal, encodeOriginalFromBytes, makeVariants, type EncodedImage } from './variants.js';

export interface ProcessOptions extends DecodeLimits, EncodeSettings {
  /** Sniffed MIME types accepted (default jpeg, png, gif, webp). */
  allowedTypes?: readonly string[] | undefined;
  /** Make the resized WebP variants (default true). */
  variants?: boolean | undefined;
  /** Widths of the WebP variants (default 160, 480, 1200). */
  variantWidths?: readonly number[] | undefined;
  /**
   * Refuse images that carry markup (`<script`, `<svg`, `<html`…) anywhere in their bytes.
   * Off by default: re-encoding already drops such payloads, and refusing would also catch
   * the rare photo whose compressed data happens to spell one.
   */
  refusePolyglots?: boolean | undefined;
}

export interface ProcessedOriginal extends EncodedImage {
  /** Lowercase hex sha256 of `data` (what is stored, not what was uploaded). */
  sha256: string;
  /** Type sniffed from the upload. */
  sourceType: string;
  /** Frames in the upload; only the first is kept. */
  sourcePages: number;
}

export interface ProcessedImage {
  original: ProcessedOriginal;
  /** Smallest first. Empty when variants are off. */
  variants: EncodedImage[];
}

/**
 * @throws AppError Unprocessable (empty, damaged, truncated, too many pixels) | UnsupportedMediaType
 */
export async function processImage(bytes: Uint8Array, options: ProcessOptions = {}): Promise<ProcessedImage> {
  const type = await sniffImageType(bytes, options.allowedTypes ?? DEFAULT_ALLOWED_TYPES);
  if (options.refusePolyglots) {
    const marker = findMarkup(bytes);
    if (marker !== undefined)
      throw new AppError('UnsupportedMediaType', `File type not allowed: ${type.mime} with embedded markup (${marker})`);
  }
  const header = await readHeader(bytes, type, options);
  let original: EncodedImage;
  let variants: EncodedImage[] = [];
  if (options.variants === false) {
    original = await encodeOriginalFromBytes(bytes, type.format, options);
  } else {
    // One decode shared by every output; the original's encode runs beside the variant cascade.
    const raw = await decodeOriented(bytes, options);
    [original, variants] = await settleBoth(encodeOriginal(raw, type.format, options), makeVariants(raw, options.variantWidths, options));
  }
  return {
    original: {
      ...original,
      sha256: createHash('sha256').update(original.data).digest('hex'),
      sourceType: type.mime,
      sourcePages: header.pages,
    },
    variants,
  };
}

/** Like Promise.all, but never leaves the other encode running after one fails. */
async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
