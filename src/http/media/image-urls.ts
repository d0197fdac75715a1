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
import { DEFAULT_VARIANT_WIDTHS } from '../../media/variants.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { BrokenReason, ImageView } from '../views/types.js';

const CACHE_LIMIT = 20_000;

export interface ImageUrlsOptions {
  storeFor(location: AssetLocation): ObjectStore;
  /** Makes the URLs; its `signedUrlTtl` is their lifetime. */
  delivery: DeliveryUrls;
  /** The widths variants are made at (MEDIA config), to know when the original fills the top (default 160/480/1200). */
  variantWidths?: readonly number[] | undefined;
  /** Milliseconds since the epoch, for the cache (default `Date.now`). */
  now?: (() => number) | undefined;
}

/**
 * The renditions a srcset offers, narrowest first: the resized variants, and the original when
 * it is narrower than the widest width the variants are made at (the source was too small for
 * that width, so the original stands in for it) or when there is no variant at all.
 */
export function srcsetRenditions(variants: readonly AssetVariant[], variantWidths: readonly number[]): AssetVariant[] {
  const sized = variants.filter((v) => v.name !== 'original' && v.width > 0).sort((a, b) => a.width - b.width);
  const original = variants.find((v) => v.name === 'original');
  const widestWanted = Math.max(0, ...variantWidths);
  const widestSized = sized.at(-1)?.width ?? 0;
  const offerOriginal = original !== undefined && (sized.length === 0 || (original.width > widestSized && original.width <= widestWanted));
  return offerOriginal ? [...sized, original] : sized;
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
   * What a page shows: as a srcset every stored rendition up to the source's own width — the
   * variants, plus the normalised original when the variant widths asked for more than the
   * source has (a 450 px photo: 160w and 450w, not only 160w; a 4000 px photo: up to its
   * 1200w variant, never the full original) — and as `src` the smallest at least
   * `preferWidth` wide. `width`/`height` are the widest rendition's, so with `max-width: 100%`
   * the image is never drawn wider than its pixels.
   */
  async imageView(image: ProductImage | null, preferWidth: number): Promise<ImageView> {
    if (image === null) return { status: 'none' };
    if (image.status === 'broken') return { status: 'broken', reason: brokenReason(image.lastError) };
    if (image.status !== 'ready') return { status: image.status };
    const candidates = srcsetRenditions(image.variants, this.options.variantWidths ?? DEFAULT_VARIANT_WIDTHS);
    if (candidates.length === 0) return { status: 'broken' };
    const srcset = await Promise.all(candidates.map(async (v) => ({ url: await this.url(v.key, image.location), width: v.width })));
    const wide = candidates.findIndex((v) => v.width >= preferWidth);
    const i = wide === -1 ? candidates.length - 1 : wide;
    const widest = candidates.at(-1)!;
    return { status: 'ready', src: srcset[i]!.url, width: widest.width, height: widest.height, srcset };
  }

  /** Every object of a ready image with its URL, for the API. */
  async variantUrls(image: ProductImage): Promise<(AssetVariant & { url: string })[]> {
    if (image.status !== 'ready') return [];
    return Promise.all(image.variants.map(async (v) => ({ ...v, url: await this.url(v.key, image.location) })));
  }
}

/** Why an image is broken, as a page says it (views/image.ts), from the worker's last error (jobs/process-images.ts). */
export function brokenReason(lastError: string | null | undefined): BrokenReason {
  if (lastError === null || lastError === undefined) return 'other';
  const text = lastError.slice(0, 500).toLowerCase();
  if (text.includes('missing') || text.includes('not exist') || text.includes('not found')) return 'missing';
  if (
    text.includes('damaged') ||
    text.includes('incomplete') ||
    text.includes('corrupt') ||
    text.includes('premature') ||
    text.includes('truncated')
  )
    return 'damaged';
  return 'other';
}
