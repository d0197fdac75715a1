/** GET /products/{id}: the medium image (or its placeholder), the fields, Edit and Delete. */
import { formatPrice, t, unitLabel } from '../i18n/index.js';
import { csrfField } from './fields.js';
import { html } from './html.js';
import { productImage } from './image.js';
import { layout } from './layout.js';
import type { ProductDetailModel } from './types.js';

/** The image column is at most 600px wide; full width below 720px. */
export const DETAIL_SIZES = '(max-width: 720px) 100vw, 600px';

export function productDetailPage(model: ProductDetailModel): string {
  const { locale } = model.page;
  const p = model.product;
  const base = `/products/${encodeURIComponent(p.id)}`;
  const body = html`<p><a href="/products">← ${t(locale, 'detail.back')}</a></p>
<article class="product-detail">
  <div class="detail-image" data-image-slot="detail-${p.id}">${productImage(locale, p.image, { alt: p.name, sizes: DETAIL_SIZES, className: 'medium' })}</div>
  <div class="detail-body">
    <h1>${p.name}</h1>
    <dl>
      <dt>${t(locale, 'products.sku')}</dt><dd>${p.sku}</dd>
      <dt>${t(locale, 'products.price')}</dt><dd>${formatPrice(locale, p.salePrice, p.unit)}</dd>
      <dt>${t(locale, 'detail.unit')}</dt><dd>${unitLabel(locale, p.unit)}</dd>
      <dt>${t(locale, 'detail.description')}</dt><dd class="description">${p.description ? p.description : html`<span class="muted">${t(locale, 'detail.no_description')}</span>`}</dd>
    </dl>
    <div class="actions">
      <a class="button primary" href="${base}/edit">${t(locale, 'detail.edit')}</a>
      <form method="post" action="${base}/delete" class="inline-form" data-confirm="${t(locale, 'detail.delete_confirm')}">
        ${csrfField(model.page.csrfToken)}
        <button type="submit" class="button danger">${t(locale, 'detail.delete')}</button>
      </form>
    </div>
  </div>
</article>`;
  return layout(model.page, p.name, body);
}
