/** GET /products/{id}: the medium image (or its placeholder), the fields, Edit and Delete. */
import { formatPrice, t, unitLabel, type Locale } from '../i18n/index.js';
import { withBack } from '../list-query.js';
import { csrfField } from './fields.js';
import { html, type SafeHtml } from './html.js';
import { brokenImageNote, productImage } from './image.js';
import { layout } from './layout.js';
import type { ProductDetailModel } from './types.js';

/** The image column is at most 600px wide; below 720px the whole width less main's padding (2×20px). */
export const DETAIL_SIZES = '(max-width: 720px) calc(100vw - 40px), 600px';

export function productDetailPage(model: ProductDetailModel): string {
  const { locale } = model.page;
  const p = model.product;
  const base = `/products/${encodeURIComponent(p.id)}`;
  const body = html`<p><a href="${model.back ?? '/products'}">← ${t(locale, 'detail.back')}</a></p>
<article class="product-detail">
  <div class="detail-image" data-image-slot="detail-${p.id}">${productImage(locale, p.image, { alt: p.name, sizes: DETAIL_SIZES, className: 'medium' })}</div>
  ${p.image.status === 'broken' ? brokenImageNote(locale, p.image.reason, withBack(`${base}/edit`, model.back) + '#image') : ''}
  <div class="detail-body">
    <h1>${p.name}</h1>
    <dl>
      <dt>${t(locale, 'products.sku')}</dt><dd>${p.sku}</dd>
      <dt>${t(locale, 'products.price')}</dt><dd>${formatPrice(locale, p.salePrice, p.unit, model.page.session?.currency)}</dd>
      <dt>${t(locale, 'detail.unit')}</dt><dd>${unitLabel(locale, p.unit)}</dd>
      ${p.stockQuantity === undefined ? '' : html`<dt>${t(locale, 'stock.label')}</dt><dd>${stockText(locale, p.stockQuantity)}</dd>`}
      <dt>${t(locale, 'detail.description')}</dt><dd class="description">${p.description ? p.description : html`<span class="muted">${t(locale, 'detail.no_description')}</span>`}</dd>
    </dl>
    <div class="actions">
      <a class="button primary" href="${withBack(`${base}/edit`, model.back)}">${t(locale, 'detail.edit')}</a>
      <form method="post" action="${base}/delete" class="inline-form" data-confirm="${t(locale, 'detail.delete_confirm')}">
        ${csrfField(model.page.csrfToken)}
        ${model.back === undefined ? '' : html`<input type="hidden" name="back" value="${model.back}">`}
        <button type="submit" class="button danger">${t(locale, 'detail.delete')}</button>
      </form>
    </div>
  </div>
</article>`;
  return layout(model.page, p.name, body);
}

const INTL_TAG: Record<Locale, string> = { en: 'en-US', es: 'es-ES' };

/** "1,234" / "1234" in the page's language, or "Not tracked". */
export function stockText(locale: Locale, quantity: number | null): SafeHtml | string {
  if (quantity === null) return html`<span class="muted">${t(locale, 'stock.not_tracked')}</span>`;
  return new Intl.NumberFormat(INTL_TAG[locale]).format(quantity);
}
