/**
 * URLs for a product image, computed when a page or an API response is rendered — rows hold
 * object keys only, so switching to a CDN or another provider rewrites nothing:
 *
 * - public: `S3_PUBLIC_URL` (a CDN or the bucket) + key, a string join;
 * - signed: a presigned GET with SIGNED_URL_TTL (private bucket), or the app's own signed
 *   `/media/…` URL (local driver, fallback spool).
 *
 * Which one is `DeliveryUrls`' call (storage/delivery-urls.ts), from the store's capabilities.
 *
 * Signed URLs are cached per key for half their lifetime: a page of 50 products costs no
 * signatures once warm, and a browser sees the same URL (and so uses its cache) meanwhile.
 *
 * @example
 *   const urls = new ImageUrls({ storeFor: (location) => stores.storeFor(location), delivery });
 *   const view = await urls.imageView(product.image, 480);   // { status: 'ready', src, srcset, … }
 */
import type { AssetLocation, AssetVariant } from '../../db/schema.js';
import type { ProductImage } from '../../catalog/products.repository.js';
import type { DeliveryUrls } from '../../storage/delivery-urls.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { ImageView } from '../views/types.js';

const CACHE_LIMIT = 20_000;

export interface ImageUrlsOptions {
  storeFor(location: AssetLocation): ObjectStore;
  /** Makes the URLs; its `signedUrlTtl` is their lifetime. */
  delivery: DeliveryUrls;
  /** Milliseconds since the epoch, for the cache (default `Date.now`). */
  now?: (() => number) | undefined;
}

export class ImageUrls {
  private readonly cache = new Map<string, { url: string; until: number }>();

  constructor(private readonly options: ImageUrlsOptions) {}

  /** The URL of one object of an asset. */
  async url(key: string, location: AssetLocation): Promise<string> {
    const { delivery } = this.options;
    const store = this.options.storeFor(location);
    const direct = delivery.publicUrl(store, key);
    if (direct !== undefined) return direct;
    const cacheKey = `${location}:${key}`;
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(cacheKey);
    if (hit !== undefined && hit.until > now) return hit.url;
    const ttl = delivery.signedUrlTtl;
    const url = await delivery.signedUrl(store, key, { expiresIn: ttl });
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    // Half the URL's lifetime: a page never hands out a link with less than half of it left.
    this.cache.set(cacheKey, { url, until: now + (ttl * 1000) / 2 });
    return url;
  }

  /**
   * What a page shows: the variants as a srcset (the normalised original only when there are
   * no variants), and as `src` the smallest variant at least `preferWidth` wide.
   */
  async imageView(image: ProductImage | null, preferWidth: number): Promise<ImageView> {
    if (image === null) return { status: 'none' };
    if (image.status !== 'ready') return { status: image.status };
    const sized = image.variants.filter((v) => v.name !== 'original').sort((a, b) => a.width - b.width);
    const candidates = sized.length > 0 ? sized : image.variants;
    if (candidates.length === 0) return { status: 'broken' };
    const srcset = await Promise.all(candidates.map(async (v) => ({ url: await this.url(v.key, image.location), width: v.width })));
    const wide = candidates.findIndex((v) => v.width >= preferWidth);
    const i = wide === -1 ? candidates.length - 1 : wide;
    return { status: 'ready', src: srcset[i]!.url, width: candidates[i]!.width, height: candidates[i]!.height, srcset };
  }

  /** Every object of a ready image with its URL, for the API. */
  async variantUrls(image: ProductImage): Promise<(AssetVariant & { url: string })[]> {
    if (image.status !== 'ready') return [];
    return Promise.all(image.variants.map(async (v) => ({ ...v, url: await this.url(v.key, image.location) })));
  }
}
