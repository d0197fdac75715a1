/**
 * One product image, or a labelled placeholder while there is none, it is still being
 * processed, or it cannot be shown. Placeholders are boxes of the same shape so a grid does
 * not jump when the variants arrive.
 */
import { t, type Locale } from '../i18n/index.js';
import { html, type SafeHtml } from './html.js';
import type { BrokenReason, ImageView } from './types.js';

export interface ImageOptions {
  readonly alt: string;
  /** The `sizes` attribute: how wide the image is drawn, so the browser picks from srcset. */
  readonly sizes: string;
  readonly lazy?: boolean;
  readonly className?: string;
}

const PLACEHOLDER_KEY = { none: 'image.none', processing: 'image.processing', broken: 'image.broken' } as const;

const BROKEN_REASON_KEY = { damaged: 'uploads.broken_damaged', missing: 'uploads.broken_missing', other: 'uploads.broken_other' } as const;

/** The sentence that says why a broken image could not be processed (product page, edit form). */
export function brokenReasonKey(reason: BrokenReason | undefined): (typeof BROKEN_REASON_KEY)[BrokenReason] {
  return BROKEN_REASON_KEY[reason ?? 'other'];
}

export function productImage(locale: Locale, image: ImageView, opts: ImageOptions): SafeHtml {
  if (image.status !== 'ready') {
    const label = t(locale, PLACEHOLDER_KEY[image.status]);
    return html`<div class="img-placeholder img-${image.status} ${opts.className ?? ''}" role="img" aria-label="${label}" data-image-status="${image.status}"><span>${label}</span></div>`;
  }
  // A space would end the URL inside srcset; signed URLs never contain one, but be safe.
  const srcset = image.srcset.map((s) => `${s.url.replace(/ /g, '%20')} ${s.width}w`).join(', ');
  return html`<img class="${opts.className ?? ''}" src="${image.src}"${srcset ? html` srcset="${srcset}" sizes="${opts.sizes}"` : ''} width="${image.width}" height="${image.height}" alt="${opts.alt}"${opts.lazy ? html` loading="lazy"` : ''} decoding="async">`;
}

/** Says why an image could not be processed, and links to where a new one is chosen (`editHref`: the edit form's image field). */
export function brokenImageNote(locale: Locale, reason: BrokenReason | undefined, editHref: string): SafeHtml {
  return html`<div class="broken-note" role="note"><p><strong>${t(locale, 'uploads.broken_title')}</strong> ${t(locale, brokenReasonKey(reason))}</p><p><a href="${editHref}">${t(locale, 'uploads.upload_again')}</a></p></div>`;
}
