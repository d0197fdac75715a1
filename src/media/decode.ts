/**
 * Decoding untrusted images with sharp: the header is read first so a decompression bomb
 * (a few KB that claim 20000×20000 pixels) is refused before any pixel is decoded, then the
 * pixels are decoded once, auto-oriented from EXIF, into 8-bit sRGB raw memory that every
 * output (normalised original and variants) is encoded from.
 */
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { AppError } from '../errors.js';
import type { ImageType } from './media-types.js';

export interface DecodeLimits {
  /** Largest accepted width × height (default 40 megapixels). */
  maxPixels?: number | undefined;
  /**
   * How picky libvips is about damaged data: `truncated` refuses cut-off files, `error` also
   * corrupt data, `warning` anything odd (refuses many real camera files). Default `error`.
   * The upload's decode check picks its own level per format (decode-check.ts).
   */
  failOn?: 'truncated' | 'error' | 'warning' | undefined;
}

export const DEFAULT_MAX_PIXELS = 40_000_000;

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** Header facts, read without decoding pixels. Width and height are after auto-orientation. */
export interface ImageHeader {
  width: number;
  height: number;
  orientation: number | undefined;
  /** Frames in an animated GIF/WebP; only the first is kept. */
  pages: number;
}

export const DAMAGED_MESSAGE = 'The image is damaged or incomplete and could not be read';
const DAMAGED = DAMAGED_MESSAGE;

export function sharpOptions(limits: DecodeLimits): SharpOptions {
  return {
    limitInputPixels: limits.maxPixels ?? DEFAULT_MAX_PIXELS,
    failOn: limits.failOn ?? 'error',
    // Sequential read streams the decode instead of holding a random-access copy.
    sequentialRead: true,
    // Only the first frame of an animation: bounds memory and CPU; catalog images are stills.
    pages: 1,
  };
}

/**
 * @throws AppError Unprocessable (damaged, not really `type`, or more pixels than allowed)
 */
export async function readHeader(bytes: Uint8Array, type: ImageType, limits: DecodeLimits = {}): Promise<ImageHeader> {
  let meta: Metadata;
  try {
    // No pixel limit here: metadata decodes no pixels, and our own check below says what the size is.
    meta = await sharp(bytes, { ...sharpOptions(limits), limitInputPixels: false }).metadata();
  } catch (err) {
    throw new AppError('Unprocessable', DAMAGED, { cause: err });
  }
  const { width, height } = meta;
  if (!width || !height) throw new AppError('Unprocessable', DAMAGED);
  // Magic numbers said one thing; the decoder must agree, or the bytes are not what they claim.
  const decoder = meta.format === 'heif' ? 'avif' : meta.format;
  if (decoder !== type.format) throw new AppError('Unprocessable', `${DAMAGED} as ${type.mime}`);
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > maxPixels) {
    throw new AppError(
      'Unprocessable',
      `The image is too large: ${width}×${height} pixels (the limit is ${formatMegapixels(maxPixels)} megapixels)`,
    );
  }
  const swap = (meta.orientation ?? 1) >= 5;
  return {
    width: swap ? height : width,
    height: swap ? width : height,
    orientation: meta.orientation,
    pages: meta.pages ?? 1,
  };
}

/** Maps a decode failure to a message for people; the libvips text stays in `cause`. */
export function decodeError(err: unknown): AppError {
  const message = err instanceof Error && /pixel limit/i.test(err.message) ? 'The image has more pixels than allowed' : DAMAGED;
  return new AppError('Unprocessable', message, { cause: err });
}

/**
 * Decodes once into oriented 8-bit sRGB pixels (alpha kept when present).
 * @throws AppError Unprocessable (truncated or corrupt data, pixel limit)
 */
export async function decodeOriented(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<RawImage> {
  try {
    const { data, info } = await sharp(bytes, sharpOptions(limits))
      .autoOrient()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw decodeError(err);
  }
}

function formatMegapixels(pixels: number): string {
  return String(Number((pixels / 1_000_000).toPrecision(3)));
}
