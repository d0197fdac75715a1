/**
 * Encoders for what we store. Everything is encoded from decoded pixels, so nothing of the
 * uploaded file survives but its picture: no EXIF, GPS, XMP, IPTC, comments or trailing bytes
 * (sharp writes no metadata unless asked, and the pixels are already sRGB, so no ICC either).
 *
 * Settings are chosen for speed on small servers (see bench/media.bench.ts): JPEG without
 * Huffman optimisation (4× faster to encode, ~5% larger), WebP at a low effort.
 */
import sharp, { type Sharp } from 'sharp';
import type { ImageFormat } from './media-types.js';
import type { RawImage } from './decode.js';

export interface EncodeSettings {
  /** JPEG / WebP / AVIF quality of the normalised original (default 85). */
  originalQuality?: number | undefined;
  /** WebP quality of the variants (default 80). */
  variantQuality?: number | undefined;
  /** WebP effort 0 (fastest) … 6 (smallest); default 0: ~30% faster than 1 for ~1% more bytes on photos. */
  webpEffort?: number | undefined;
  /**
   * Format of the resized variants (default `webp`). `jpeg` encodes ~10× faster (see the bench)
   * for servers where upload throughput matters more than ~25% smaller files.
   */
  variantFormat?: VariantFormat | undefined;
}

export type VariantFormat = 'webp' | 'jpeg';

export function fromRaw(raw: RawImage): Sharp {
  return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
}

/** Re-encodes the original in its own format. */
export function encodeAs(image: Sharp, format: ImageFormat, settings: EncodeSettings = {}): Sharp {
  const quality = settings.originalQuality ?? 85;
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality, mozjpeg: false, optimiseCoding: false, chromaSubsampling: '4:2:0' });
    case 'png':
      return image.png({ compressionLevel: 6, adaptiveFiltering: false });
    case 'gif':
      return image.gif({ effort: 3 });
    case 'webp':
      return image.webp({ quality, effort: settings.webpEffort ?? 0 });
    case 'avif':
      return image.avif({ quality, effort: 2 });
  }
}

export function encodeVariant(image: Sharp, settings: EncodeSettings = {}): Sharp {
  const quality = settings.variantQuality ?? 80;
  if (settings.variantFormat === 'jpeg') return image.jpeg({ quality, mozjpeg: false, optimiseCoding: false, chromaSubsampling: '4:2:0' });
  return image.webp({ quality, effort: settings.webpEffort ?? 0 });
}
