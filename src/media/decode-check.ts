/**
 * The upload's last request-time check: its compressed data decoded to the end, so a file
 * whose type, header and container are all right but whose pixels cannot be read (a PNG whose
 * IDAT is not zlib data, a JPEG whose scan is garbage, a WebP whose VP8 data is cut short) is
 * refused while the request is open, instead of becoming an "Image unavailable" later.
 *
 * It runs on a libuv thread while the upload is put (inspect-upload.ts), and keeps almost
 * nothing of what it decodes:
 *
 * - a JPEG is decoded at 1/8 scale (libjpeg's DCT scaling: every Huffman code of the scan is
 *   still read, but each 8×8 block makes one pixel). Reading the codes is most of the cost —
 *   about 25 ms of CPU for the 1 MiB 2400×1600 photo of bench/media.bench.ts on a loaded
 *   2-core machine — so 1/8 saves the transforms and the memory, not the bulk of the time;
 * - the other formats are decoded in full down to their last row; only that row is kept, so a
 *   PNG, decoded row by row, holds one strip in memory rather than the whole frame.
 *
 * Strictness: libjpeg reports damaged entropy-coded data (a scan that runs out before the
 * last block) only as a *warning* and fills the rest with grey, so a JPEG is decoded with
 * `failOn: 'warning'`. The other warnings it can give here come from malformed files too (a
 * bad ICC segment, an unknown colour transform); the junk between segments that some cameras
 * write is refused before, by the container check, and the "extraneous bytes before EOI" of
 * others is never reached. libpng, libwebp and the GIF and AVIF decoders report damaged data
 * as errors, and warn about things real files carry (an sRGB profile libpng dislikes), so
 * they keep `failOn: 'error'`, as processing does.
 *
 * What a decoder cannot see stays unseen: data replaced by other data that decodes, and, in a
 * JPEG read at 1/8 scale, a scan that runs out only within its last two rows of blocks (the
 * bottom 16–32 pixel rows: as libvips reads it at that scale, running out there is not
 * reported). Processing then makes a picture whose bottom rows are grey.
 *
 * @example
 *   const header = await readHeader(bytes, type, limits);
 *   await checkDecodes(bytes, type, header, limits);   // or AppError Unprocessable
 */
import sharp, { type FailOnOptions } from 'sharp';
import { AppError } from '../errors.js';
import { decodeError, sharpOptions, type DecodeLimits, type ImageHeader } from './decode.js';
import type { ImageFormat, ImageType } from './media-types.js';

/**
 * A decode still running after this long is stopped and the upload refused: a hostile file
 * (a progressive JPEG of thousands of scans) must not hold a libuv thread for minutes. A
 * PNG at the 40-megapixel limit decodes in about a second.
 */
export const DECODE_CHECK_SECONDS = 10;

export const TOO_SLOW_MESSAGE = 'The image takes too long to read';

const FAIL_ON: Record<ImageFormat, FailOnOptions> = { jpeg: 'warning', png: 'error', gif: 'error', webp: 'error', avif: 'error' };

/** JPEG's smallest DCT scale: libvips shrinks on load by up to 8. */
const JPEG_SHRINK = 8;

export interface DecodeCheckOptions extends DecodeLimits {
  /** Stop the decode after this many whole seconds (default {@link DECODE_CHECK_SECONDS}). */
  timeoutSeconds?: number | undefined;
}

/**
 * Decodes `bytes` (already sniffed as `type`, header read as `header`) to the end.
 * @throws AppError Unprocessable (damaged data, or a decode slower than the timeout)
 */
export async function checkDecodes(
  bytes: Uint8Array,
  type: ImageType,
  header: ImageHeader,
  options: DecodeCheckOptions = {},
): Promise<void> {
  const { width, height } = storedSize(header);
  const seconds = options.timeoutSeconds ?? DECODE_CHECK_SECONDS;
  let image = sharp(bytes, { ...sharpOptions(options), failOn: FAIL_ON[type.format] }).timeout({ seconds });
  image =
    type.format === 'jpeg'
      ? // A target of at most 1/8 of the width is what makes libvips pick jpegload's shrink of 8.
        image.resize({ width: Math.max(1, Math.floor(width / JPEG_SHRINK)), fastShrinkOnLoad: true, kernel: 'nearest' })
      : image.extract({ left: 0, top: height - 1, width, height: 1 });
  try {
    await image.raw().toBuffer();
  } catch (err) {
    throw checkError(err, seconds);
  }
}

/** A decode failure as the person uploading should read it; the libvips text stays in `cause`. */
export function checkError(err: unknown, seconds = DECODE_CHECK_SECONDS): AppError {
  // sharp's words for a stopped pipeline: "timeout: 43% complete".
  if (err instanceof Error && /^timeout:/i.test(err.message)) {
    return new AppError('Unprocessable', `${TOO_SLOW_MESSAGE} (more than ${seconds} seconds): save it again as an ordinary JPEG or PNG`, {
      cause: err,
    });
  }
  return decodeError(err);
}

/** Width and height as stored, before the EXIF orientation turns them. */
function storedSize(header: ImageHeader): { width: number; height: number } {
  const turned = (header.orientation ?? 1) >= 5;
  return turned ? { width: header.height, height: header.width } : { width: header.width, height: header.height };
}
