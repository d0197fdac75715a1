/**
 * Puts a processed image into the object store under a fresh, immutable asset prefix, and
 * returns the record the catalog keeps (keys, never URLs). All or nothing: if any put fails,
 * every object of the asset is deleted again before the error is rethrown.
 *
 * @example
 *   const asset = await storeProcessedImage(store, tenant.id, processed, 'IMG 0042.JPG', signal);
 *   asset.keyPrefix;          // t/42/img/0192f4a1-…/
 *   asset.variants[0]?.key;   // t/42/img/0192f4a1-…/w160.webp
 */
import type { ObjectStore } from '../storage/object-store.js';
import { newAssetPrefix, parseAssetPrefix, sanitizeFileName, variantKey } from '../storage/key-locator.js';
import { mapBounded } from '../each-bounded.js';
import { IMAGE_TYPES } from './media-types.js';
import type { ProcessedImage } from './process-image.js';
import type { EncodedImage } from './variants.js';

/** Keys are never overwritten, so a cache may keep every object forever. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Parallel puts per asset: enough to hide round trips, few enough not to flood the store. */
const PUT_CONCURRENCY = 4;

export interface StoredVariant {
  name: string;
  key: string;
  width: number;
  height: number;
  bytes: number;
  contentType: string;
}

export interface AssetRecord {
  /** The asset's UUID (v7), also the last segment of `keyPrefix`. */
  id: string;
  keyPrefix: string;
  /** Key of the normalised original. */
  key: string;
  contentType: string;
  bytes: number;
  /** Lowercase hex sha256 of the stored original. */
  sha256: string;
  width: number;
  height: number;
  /** Smallest first. */
  variants: StoredVariant[];
  /** The user's file name, sanitised; metadata only, never part of a key. */
  originalName: string;
}

interface PlannedPut {
  image: EncodedImage;
  key: string;
}

/**
 * @param keyPrefix the asset's prefix when it already has one (an upload recorded before it
 *   was processed); a fresh one under `tenantId` otherwise.
 */
export async function storeProcessedImage(
  store: ObjectStore,
  tenantId: string | number,
  processed: ProcessedImage,
  fileName: string | undefined,
  signal?: AbortSignal,
  keyPrefix: string = newAssetPrefix(tenantId),
): Promise<AssetRecord> {
  const id = parseAssetPrefix(keyPrefix)!.assetId;
  const originalName = sanitizeFileName(fileName, 'image');
  const { original } = processed;
  const puts: PlannedPut[] = [original, ...processed.variants].map((image) => ({
    image,
    key: variantKey(keyPrefix, image.name, IMAGE_TYPES[image.contentType]!.ext),
  }));

  try {
    await mapBounded(puts, PUT_CONCURRENCY, ({ image, key }) =>
      store.put(key, image.data, {
        contentType: image.contentType,
        cacheControl: IMMUTABLE_CACHE_CONTROL,
        contentLength: image.data.length,
        metadata: image === original ? { 'original-name': encodeURIComponent(originalName) } : undefined,
        signal,
      }),
    );
  } catch (err) {
    // Delete every key we tried, not only those that answered: a put can land and still fail
    // on our side (timeout, abort). Deletes are idempotent, and run without the (maybe fired) signal.
    await Promise.allSettled(puts.map(({ key }) => store.delete(key)));
    throw err;
  }

  return {
    id,
    keyPrefix,
    key: puts[0]!.key,
    contentType: original.contentType,
    bytes: original.data.length,
    sha256: original.sha256,
    width: original.width,
    height: original.height,
    variants: puts.slice(1).map(({ image, key }) => ({
      name: image.name,
      key,
      width: image.width,
      height: image.height,
      bytes: image.data.length,
      contentType: image.contentType,
    })),
    originalName,
  };
}
