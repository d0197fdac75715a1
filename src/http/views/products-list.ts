/**
 * GET /products: search (with the low-stock filter), the count, a card grid or a table
 * (a segmented control of plain links switches), sorting and page size (a GET form: no
 * JavaScript needed), pagination that keeps the whole query, an empty state, and a page past
 * the last one that says so. Thumbnails load lazily; width/height reserve their box.
 */
import { formatPrice, t, type Locale } from '../i18n/index.js';
import { DEFAULT_LIST_QUERY, listHref, listParams, PAGE_SIZES, SORT_KEYS, withBack, type ListQuery } from '../list-query.js';
import { html, type SafeHtml } from './html.js';
import { productImage } from './image.js';
import { layout } from './layout.js';
import type { ListState, ProductListItemView, ProductsListModel } from './list-types.js';
import { productsTable, sortLabel } from './products-table.js';
import type { PaginationView } from './types.js';

/**
 * The card image's drawn width, measured in Chromium (test/http/image-sizes.browser.test.ts):
 * up to 520px two columns, each half of the viewport less main's padding (2×20px), the gap
 * (16px) and the card's padding and border (2×13px) — 141px on a 390px phone, so a 3× phone
 * takes the 480w variant, not the 1200w; wider, a card is at most 240px, its image 214px.
 */
export const THUMBNAIL_SIZES = '(max-width: 520px) calc(50vw - 54px), 214px';

const INTL_TAG: Record<Locale, string> = { en: 'en-US', es: 'es-ES' };

/** "1 product", "48 products", "1.234 productos": the plural form of the page's language. */
export function productCount(locale: Locale, count: number): string {
  const rule = new Intl.PluralRules(INTL_TAG[locale]).select(count);
  const formatted = new Intl.NumberFormat(INTL_TAG[locale]).format(count);
  return t(locale, rule === 'one' ? 'list.count_one' : 'list.count_other', { count: formatted });
}

export function productsListPage(model: ProductsListModel): string {
  const { locale } = model.page;
  const list: ListState = model.list ?? {
    query: { ...DEFAULT_LIST_QUERY, q: model.q, page: model.pagination.page },
    view: 'grid',
    lowStockThreshold: 5,
  };
  const { query } = list;
  const currency = model.page.session?.currency;
  const total = model.pagination.total;
  const filtered = query.q !== '' || query.lowStock;
  const body = html`<div class="page-head">
  <h1>${t(locale, 'products.title')}</h1>
  <div class="page-actions">
    <a class="button" href="${csvHref(query)}" download>${t(locale, 'list.export')}</a>
    <a class="button" href="/products/trash">${t(locale, 'trash.link')}</a>
    <a class="button primary" href="/products/new">${t(locale, 'products.new')}</a>
  </div>
</div>
${searchForm(locale, list)}
<div class="list-bar">
  ${total === undefined ? '' : html`<p class="list-count" id="list-count">${productCount(locale, total)}</p>`}
  ${viewSwitch(locale, list)}
  ${optionsForm(locale, list)}
</div>
${
  list.noSuchPage
    ? noSuchPage(locale, query, model.pagination)
    : model.products.length === 0
      ? emptyState(locale, query, filtered)
      : list.view === 'table'
        ? productsTable(locale, model.products, list, currency)
        : html`<ul class="product-grid">${model.products.map((p) => card(locale, p, listHref(query), currency))}</ul>`
}
${list.noSuchPage ? '' : pagination(locale, query, model.pagination)}`;
  return layout(model.page, t(locale, 'products.title'), body);
}

function searchForm(locale: Locale, list: ListState): SafeHtml {
  const { query } = list;
  // Searching keeps the sort and page size, and starts again at page 1.
  const keep = listParams({ ...query, q: '', lowStock: false }, false);
  return html`<form method="get" action="/products" class="search" role="search">
  <label for="q">${t(locale, 'products.search_label')}</label>
  <input id="q" name="q" type="search" value="${query.q}" maxlength="200">
  <label class="checkbox"><input type="checkbox" name="stock" value="low"${query.lowStock ? html` checked` : ''}> ${t(locale, 'list.low_stock', { threshold: list.lowStockThreshold })}</label>
  ${[...keep].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <button type="submit" class="button">${t(locale, 'products.search_submit')}</button>
  ${query.q !== '' || query.lowStock ? html`<a href="${listHref({ ...query, q: '', lowStock: false, page: 1 })}">${t(locale, 'products.search_clear')}</a>` : ''}
</form>`;
}

function viewSwitch(locale: Locale, list: ListState): SafeHtml {
  const option = (view: 'grid' | 'table', key: 'list.view_grid' | 'list.view_table') =>
    html`<a href="${listHref(list.query, { view })}"${list.view === view ? html` aria-current="true"` : ''}>${t(locale, key)}</a>`;
  return html`<nav class="segmented" aria-label="${t(locale, 'list.view_label')}">
  ${option('grid', 'list.view_grid')}${option('table', 'list.view_table')}
</nav>`;
}

function optionsForm(locale: Locale, list: ListState): SafeHtml {
  const { query } = list;
  const keep = listParams({ ...query, sort: 'created', dir: 'desc', per: DEFAULT_LIST_QUERY.per }, false);
  const selected = (yes: boolean) => (yes ? html` selected` : '');
  return html`<form method="get" action="/products" class="list-options" aria-label="${t(locale, 'list.options_label')}">
  ${[...keep].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <label for="sort">${t(locale, 'list.sort_label')}</label>
  <select id="sort" name="sort">${SORT_KEYS.map((s) => html`<option value="${s}"${selected(query.sort === s)}>${sortLabel(locale, s)}</option>`)}</select>
  <label for="dir">${t(locale, 'list.dir_label')}</label>
  <select id="dir" name="dir">
    <option value="asc"${selected(query.dir === 'asc')}>${t(locale, 'list.dir_asc')}</option>
    <option value="desc"${selected(query.dir === 'desc')}>${t(locale, 'list.dir_desc')}</option>
  </select>
  <label for="per">${t(locale, 'list.per_label')}</label>
  <select id="per" name="per">${PAGE_SIZES.map((n) => html`<option value="${n}"${selected(query.per === n)}>${n}</option>`)}</select>
  <button type="submit" class="button">${t(locale, 'list.apply')}</button>
</form>`;
}

/** The export follows the list's search and filter (not its sort or page: it is every match). */
function csvHref(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.lowStock) params.set('stock', 'low');
  const qs = params.toString();
  return qs ? `/products.csv?${qs}` : '/products.csv';
}

function card(locale: Locale, p: ProductListItemView, back: string, currency: string | undefined): SafeHtml {
  const href = withBack(`/products/${encodeURIComponent(p.id)}`, back);
  // The name is in the same link: alt="" keeps a screen reader from reading it twice.
  return html`<li class="product-card">
  <a href="${href}" class="card-link">
    <span class="image-slot" data-image-slot="card-${p.id}">${productImage(locale, p.image, { alt: '', sizes: THUMBNAIL_SIZES, lazy: true, className: 'thumb' })}</span>
    <span class="product-name">${p.name}</span>
  </a>
  <span class="product-sku">${t(locale, 'products.sku')} ${p.sku}</span>
  <span class="product-price">${formatPrice(locale, p.salePrice, p.unit, currency)}</span>
</li>`;
}

function emptyState(locale: Locale, query: ListQuery, filtered: boolean): SafeHtml {
  const text =
    query.q !== ''
      ? t(locale, 'products.empty_search', { q: query.q })
      : query.lowStock
        ? t(locale, 'list.empty_low_stock')
        : t(locale, 'products.empty');
  return html`<div class="empty-state">
  <p>${text}</p>
  ${filtered ? '' : html`<a class="button primary" href="/products/new">${t(locale, 'products.new')}</a>`}
</div>`;
}

function noSuchPage(locale: Locale, query: ListQuery, p: PaginationView): SafeHtml {
  return html`<div class="empty-state no-such-page">
  <h2>${t(locale, 'list.no_page_title')}</h2>
  <p>${t(locale, 'list.no_page', { page: p.page })}</p>
  <a class="button primary" href="${listHref(query, { page: p.pageCount })}">${t(locale, 'list.no_page_last', { last: p.pageCount })}</a>
</div>`;
}

/** The list's URL for page `page` of search `q` (the other settings at their defaults). */
export function pageHref(q: string, page: number): string {
  return listHref({ ...DEFAULT_LIST_QUERY, q, page });
}

function pagination(locale: Locale, query: ListQuery, p: PaginationView): SafeHtml {
  if (p.pageCount <= 1) return html``;
  return html`<nav class="pagination" aria-label="${t(locale, 'products.pagination')}">
  ${p.page > 1 ? html`<a rel="prev" href="${listHref(query, { page: p.page - 1 })}">${t(locale, 'products.prev')}</a>` : ''}
  <span aria-current="page">${t(locale, 'products.page_of', { page: p.page, pages: p.pageCount })}</span>
  ${p.page < p.pageCount ? html`<a rel="next" href="${listHref(query, { page: p.page + 1 })}">${t(locale, 'products.next')}</a>` : ''}
</nav>`;
}
