/**
 * GET /products: search, a card grid with responsive thumbnails, pagination that keeps `q`,
 * and an empty state. Thumbnails load lazily; width/height reserve their box.
 */
import { formatPrice, t, type Locale } from '../i18n/index.js';
import { html, type SafeHtml } from './html.js';
import { productImage } from './image.js';
import { layout } from './layout.js';
import type { PaginationView, ProductSummaryView, ProductsListModel } from './types.js';

/** Cards are at most ~240px wide; on small phones two per row (about half the viewport). */
export const THUMBNAIL_SIZES = '(max-width: 520px) 50vw, 240px';

export function productsListPage(model: ProductsListModel): string {
  const { locale } = model.page;
  const body = html`<div class="page-head">
  <h1>${t(locale, 'products.title')}</h1>
  <a class="button primary" href="/products/new">${t(locale, 'products.new')}</a>
</div>
<form method="get" action="/products" class="search" role="search">
  <label for="q">${t(locale, 'products.search_label')}</label>
  <input id="q" name="q" type="search" value="${model.q}">
  <button type="submit" class="button">${t(locale, 'products.search_submit')}</button>
  ${model.q ? html`<a href="/products">${t(locale, 'products.search_clear')}</a>` : ''}
</form>
${model.products.length === 0 ? emptyState(locale, model.q) : html`<ul class="product-grid">${model.products.map((p) => card(locale, p))}</ul>`}
${pagination(locale, model.q, model.pagination)}`;
  return layout(model.page, t(locale, 'products.title'), body);
}

function card(locale: Locale, p: ProductSummaryView): SafeHtml {
  const href = `/products/${encodeURIComponent(p.id)}`;
  return html`<li class="product-card">
  <a href="${href}" class="card-link">
    <span class="image-slot" data-image-slot="card-${p.id}">${productImage(locale, p.image, { alt: p.name, sizes: THUMBNAIL_SIZES, lazy: true, className: 'thumb' })}</span>
    <span class="product-name">${p.name}</span>
  </a>
  <span class="product-sku">${t(locale, 'products.sku')} ${p.sku}</span>
  <span class="product-price">${formatPrice(locale, p.salePrice, p.unit)}</span>
</li>`;
}

function emptyState(locale: Locale, q: string): SafeHtml {
  return html`<div class="empty-state">
  <p>${q ? t(locale, 'products.empty_search', { q }) : t(locale, 'products.empty')}</p>
  ${q ? '' : html`<a class="button primary" href="/products/new">${t(locale, 'products.new')}</a>`}
</div>`;
}

export function pageHref(q: string, page: number): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  const qs = params.toString();
  return qs ? `/products?${qs}` : '/products';
}

function pagination(locale: Locale, q: string, p: PaginationView): SafeHtml {
  if (p.pageCount <= 1) return html``;
  return html`<nav class="pagination" aria-label="${t(locale, 'products.pagination')}">
  ${p.page > 1 ? html`<a rel="prev" href="${pageHref(q, p.page - 1)}">${t(locale, 'products.prev')}</a>` : ''}
  <span aria-current="page">${t(locale, 'products.page_of', { page: p.page, pages: p.pageCount })}</span>
  ${p.page < p.pageCount ? html`<a rel="next" href="${pageHref(q, p.page + 1)}">${t(locale, 'products.next')}</a>` : ''}
</nav>`;
}
