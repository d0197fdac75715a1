/** The upload pipeline's public surface; other layers import from here. */
export { processImage, type ProcessOptions, type ProcessedImage, type ProcessedOriginal } from './process-image.js';
export { storeProcessedImage, IMMUTABLE_CACHE_CONTROL, type AssetRecord, type StoredVariant } from './store-image.js';
export { readWithLimit, formatMegabytes, type ByteSource } from './size-limit.js';
export { sniffImageType, detectType } from './sniff.js';
export { DEFAULT_ALLOWED_TYPES, IMAGE_TYPES, imageTypeOf, type ImageFormat, type ImageType } from './media-types.js';
export { DEFAULT_MAX_PIXELS, type DecodeLimits } from './decode.js';
export type { EncodeSettings, VariantFormat } from './encode.js';
export { DEFAULT_VARIANT_WIDTHS, plannedWidths, type EncodedImage } from './variants.js';
export { configureSharp, type SharpRuntimeOptions } from './sharp-runtime.js';
export { findMarkup } from './polyglot.js';
export { Semaphore } from './semaphore.js';
