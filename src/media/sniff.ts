/**
 * The type of an upload comes from its bytes (magic numbers via `file-type`, then a text
 * sniffer for markup), never from the client's Content-Type header or the file name.
 */
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../errors.js';
import { DEFAULT_ALLOWED_TYPES, imageTypeOf, type ImageType } from './media-types.js';
import { sniffText } from './text-sniff.js';

export const UNKNOWN_TYPE = 'application/octet-stream';

/**
 * What `file-type` calls an iPhone photo (HEIC/HEIF: ftyp brands heic, heix, mif1, msf1, hevc…).
 * libvips here has no HEVC decoder, so these are refused like any other type — the pages then
 * say how to send a JPEG instead (uploads.heic).
 */
export function isHeicType(mime: string): boolean {
  return mime === 'image/heic' || mime === 'image/heif' || mime === 'image/heic-sequence' || mime === 'image/heif-sequence';
}

/** The MIME type the bytes really are, whatever they are (for messages and logs). */
export async function detectType(bytes: Uint8Array): Promise<string> {
  // Markup first: a leading "<" never starts an image, and file-type would call SVG "application/xml" at best.
  const text = sniffText(bytes);
  if (text !== undefined && text !== 'text/plain') return text;
  const magic = await fileTypeFromBuffer(bytes);
  return magic?.mime ?? text ?? UNKNOWN_TYPE;
}

/**
 * The image type of `bytes`, when it is one of `allowedTypes`.
 *
 * @example
 *   const type = await sniffImageType(bytes);          // { mime: 'image/jpeg', format: 'jpeg', ext: 'jpg' }
 * @throws AppError Unprocessable "The file is empty" | UnsupportedMediaType "File type not allowed: application/pdf"
 */
export async function sniffImageType(bytes: Uint8Array, allowedTypes: readonly string[] = DEFAULT_ALLOWED_TYPES): Promise<ImageType> {
  if (bytes.length === 0) throw new AppError('Unprocessable', 'The file is empty');
  const mime = await detectType(bytes);
  const type = imageTypeOf(mime);
  if (type === undefined || !allowedTypes.includes(mime)) {
    throw new AppError('UnsupportedMediaType', `File type not allowed: ${mime}`);
  }
  return type;
}
