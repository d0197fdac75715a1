/**
 * Which renditions a product image offers (issue 15, item 2): every stored one up to the
 * source's own width — the normalised original too when the variants stop short of it — and
 * an <img> whose width attribute is its widest rendition, so it is never drawn wider.
 */
import { describe, expect, it } from 'vitest';
import type { AssetVariant } from '../../../src/db/schema.js';
import type { ProductImage } from '../../../src/catalog/products.repository.js';
import { ImageUrls, srcsetRenditions } from '../../../src/http/media/image-urls.js';
import { plannedWidths } from '../../../src/media/variants.js';
import type { DeliveryUrls } from '../../../src/storage/delivery-urls.js';
import type { ObjectStore } from '../../../src/storage/object-store.js';
import { productImage } from '../../../src/http/views/image.js';
import { DETAIL_SIZES } from '../../../src/http/views/product-detail.js';
import { THUMBNAIL_SIZES } from '../../../src/http/views/products-list.js';

const WIDTHS = [160, 480, 1200];

/** The rows processing stores for a source `width`×`height` (src/jobs/process-images.ts, src/media/variants.ts). */
function storedVariants(width: number, height: number): AssetVariant[] {
  const original = { name: 'original', key: `a/original.jpg`, width, height, bytes: width * 100, contentType: 'image/jpeg' };
  const sized = plannedWidths(width, WIDTHS).map((w) => {
    const drawn = Math.min(w, width);
    return {
      name: `w${w}`,
      key: `a/w${w}.webp`,
      width: drawn,
      height: Math.round((height * drawn) / width),
      bytes: drawn * 30,
      contentType: 'image/webp',
    };
  });
  return [original, ...sized];
}

const widthsOf = (variants: AssetVariant[]) => variants.map((v) => `${v.name}:${v.width}`);

describe('srcsetRenditions', () => {
  it('offers a 450px photo’s normalised original beside its 160w variant', () => {
    expect(widthsOf(srcsetRenditions(storedVariants(450, 300), WIDTHS))).toEqual(['w160:160', 'original:450']);
  });

  it('offers the original where the variants stop short of it, never a variant wider than the source', () => {
    expect(widthsOf(srcsetRenditions(storedVariants(900, 600), WIDTHS))).toEqual(['w160:160', 'w480:480', 'original:900']);
    expect(widthsOf(srcsetRenditions(storedVariants(1200, 800), WIDTHS))).toEqual(['w160:160', 'w480:480', 'original:1200']);
    expect(widthsOf(srcsetRenditions(storedVariants(100, 100), WIDTHS))).toEqual(['w160:100']);
    for (const width of [40, 160, 161, 479, 480, 481, 1199, 1201, 5000]) {
      const offered = srcsetRenditions(storedVariants(width, width), WIDTHS);
      expect(Math.max(...offered.map((v) => v.width))).toBeLessThanOrEqual(width);
      expect(new Set(offered.map((v) => v.width)).size).toBe(offered.length);
    }
  });

  it('leaves a large original out: its 1200w variant is the widest any slot needs', () => {
    expect(widthsOf(srcsetRenditions(storedVariants(4000, 3000), WIDTHS))).toEqual(['w160:160', 'w480:480', 'w1200:1200']);
  });

  it('offers the original alone when variants are off', () => {
    expect(widthsOf(srcsetRenditions(storedVariants(4000, 3000).slice(0, 1), WIDTHS))).toEqual(['original:4000']);
  });
});

describe('ImageUrls.imageView and productImage', () => {
  const delivery = { publicUrl: (_store: unknown, key: string) => `https://cdn.test/${key}`, signedUrlTtl: 600 } as unknown as DeliveryUrls;
  const urls = new ImageUrls({ storeFor: () => ({}) as ObjectStore, delivery, variantWidths: WIDTHS });
  const image = (width: number, height: number): ProductImage => ({
    id: 'a',
    keyPrefix: 't/1/img/a/',
    status: 'ready',
    location: 'store',
    width,
    height,
    variants: storedVariants(width, height),
  });

  it('puts every rendition in the srcset and sizes the <img> by the widest', async () => {
    const view = await urls.imageView(image(450, 300), 1200);
    expect(view).toMatchObject({ status: 'ready', src: 'https://cdn.test/a/original.jpg', width: 450, height: 300 });
    const tag = productImage('en', view, { alt: 'Hammer', sizes: DETAIL_SIZES, className: 'medium' }).toString();
    expect(tag).toContain('srcset="https://cdn.test/a/w160.webp 160w, https://cdn.test/a/original.jpg 450w"');
    expect(tag).toContain('width="450" height="300"');
    expect(tag).toContain(`sizes="${DETAIL_SIZES}"`);
  });

  it('picks as src the smallest rendition at least the preferred width', async () => {
    const view = await urls.imageView(image(2400, 1600), 480);
    expect(view).toMatchObject({ src: 'https://cdn.test/a/w480.webp', width: 1200, height: 800 });
    const tag = productImage('en', view, { alt: '', sizes: THUMBNAIL_SIZES, className: 'thumb', lazy: true }).toString();
    expect(tag).toContain('160w, https://cdn.test/a/w480.webp 480w, https://cdn.test/a/w1200.webp 1200w"');
    expect(tag).not.toContain('original');
  });
});

describe('sizes', () => {
  /** What a browser does with a `sizes` list: the first matching media query's length, at a viewport width. */
  function slot(sizes: string, viewport: number): number {
    // Our lists have no ', ' inside a calc().
    for (const entry of sizes.split(', ')) {
      const m = /^\(max-width: (\d+)px\) (.+)$/.exec(entry.trim());
      const length = m ? (viewport <= Number(m[1]) ? m[2]! : undefined) : entry.trim();
      if (length === undefined) continue;
      const calc = /^calc\((\d+)vw - (\d+)px\)$/.exec(length);
      if (calc) return (viewport * Number(calc[1])) / 100 - Number(calc[2]);
      if (length.endsWith('vw')) return (viewport * Number.parseFloat(length)) / 100;
      return Number.parseFloat(length);
    }
    throw new Error(`no length in ${sizes}`);
  }

  /** The width a browser picks from 160/480/1200 for a slot at a device pixel ratio. */
  const chosen = (cssWidth: number, dpr: number) => WIDTHS.find((w) => w >= cssWidth * dpr) ?? 1200;

  it('makes a 3× phone pick the 480w card variant, not the 1200w', () => {
    expect(slot(THUMBNAIL_SIZES, 390)).toBe(141);
    expect(chosen(slot(THUMBNAIL_SIZES, 390), 3)).toBe(480);
    expect(chosen(slot(THUMBNAIL_SIZES, 1280), 1)).toBe(480);
    expect(slot(DETAIL_SIZES, 390)).toBe(350);
    expect(slot(DETAIL_SIZES, 1280)).toBe(600);
  });
});
