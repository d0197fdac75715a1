/**
 * The image formats the pipeline can accept and store, keyed by the MIME type sniffed from
 * the bytes. One table so that sniffing, decoding, encoding and key building agree.
 */
import type { ImageExtension } from '../storage/key-locator.js';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif';

export interface ImageType {
  mime: string;
  format: ImageFormat;
  ext: ImageExtension;
}

export const IMAGE_TYPES: Readonly<Record<string, ImageType>> = Object.freeze({
  'image/jpeg': { mime: 'image/jpeg', format: 'jpeg', ext: 'jpg' },
  'image/png': { mime: 'image/png', format: 'png', ext: 'png' },
  'image/gif': { mime: 'image/gif', format: 'gif', ext: 'gif' },
  'image/webp': { mime: 'image/webp', format: 'webp', ext: 'webp' },
  'image/avif': { mime: 'image/avif', format: 'avif', ext: 'avif' },
});

/** What the first app accepted (jpg/jpeg/png/gif/webp). AVIF can be switched on by config. */
export const DEFAULT_ALLOWED_TYPES: readonly string[] = Object.freeze(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function imageTypeOf(mime: string): ImageType | undefined {
  return Object.hasOwn(IMAGE_TYPES, mime) ? IMAGE_TYPES[mime] : undefined;
}
