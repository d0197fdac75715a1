/**
 * The product list as a table: image, name, SKU, price, unit, stock, updated. A real <table>
 * with a caption and scoped headers; the sortable columns' headers are links (the sorted one
 * carries aria-sort). On a narrow screen the table scrolls sideways inside a labelled,
 * focusable region, so a keyboard can scroll it too.
 */
import { formatDecimal, formatMoney, t, unitLabel, type Locale } from '../i18n/index.js';
import { listHref, withBack, type ListQuery, type SortKey } from '../list-query.js';
import { html, type SafeHtml } from './html.js';
import { productImage } from './image.js';
import type { ListState, ProductListItemView } from './list-types.js';

/** The thumbnail is drawn 48 CSS px wide (app.css `.table-thumb`). */
export const TABLE_THUMB_SIZES = '48px';

const INTL_TAG: Record<Locale, string> = { en: 'en-US', es: 'es-ES' };
const DATES = new Map<Locale, Intl.DateTimeFormat>();

function formatDate(locale: Locale, iso: string): string {
  let format = DATES.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(INTL_TAG[locale], { dateStyle: 'medium', timeZone: 'UTC' });
    DATES.set(locale, format);
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format.format(date);
}

const SORT_LABEL = {
  created: 'list.sort_created',
  name: 'list.sort_name',
  sku: 'list.sort_sku',
  price: 'list.sort_price',
  updated: 'list.sort_updated',
} as const;

export function sortLabel(locale: Locale, sort: SortKey): string {
  return t(locale, SORT_LABEL[sort]);
}

/** A column header: a link that sorts by it (the other way round when it is already the sort). */
function sortHeader(locale: Locale, query: ListQuery, sort: SortKey, label: string): SafeHtml {
  const current = query.sort === sort;
  const dir = current ? (query.dir === 'asc' ? 'desc' : 'asc') : sort === 'updated' ? 'desc' : 'asc';
  const href = listHref(query, { sort, dir, page: 1 });
  const ariaSort = current ? html` aria-sort="${query.dir === 'asc' ? 'ascending' : 'descending'}"` : '';
  const arrow = current ? html`<span aria-hidden="true">${query.dir === 'asc' ? ' ▲' : ' ▼'}</span>` : '';
  return html`<th scope="col"${ariaSort}><a href="${href}">${label}${arrow}</a></th>`;
}

export function productsTable(
  locale: Locale,
  products: readonly ProductListItemView[],
  list: ListState,
  currency: string | undefined,
): SafeHtml {
  const { query } = list;
  const back = listHref(query);
  const caption = t(locale, 'list.caption', {
    sort: sortLabel(locale, query.sort),
    dir: t(locale, query.dir === 'asc' ? 'list.caption_asc' : 'list.caption_desc'),
  });
  const row = (p: ProductListItemView) => {
    const href = withBack(`/products/${encodeURIComponent(p.id)}`, back);
    const price = currency === undefined ? formatDecimal(locale, p.salePrice) : formatMoney(locale, p.salePrice, currency);
    const low = p.stock !== undefined && p.stock !== null && p.stock <= list.lowStockThreshold;
    const stock =
      p.stock === undefined || p.stock === null
        ? html`<span class="muted">${t(locale, 'list.stock_untracked')}</span>`
        : html`${String(p.stock)}${low ? html` <span class="badge low-stock">${t(locale, 'list.stock_low')}</span>` : ''}`;
    return html`<tr>
  <td class="table-thumb-cell">${productImage(locale, p.image, { alt: '', sizes: TABLE_THUMB_SIZES, lazy: true, className: 'table-thumb' })}</td>
  <th scope="row"><a href="${href}">${p.name}</a></th>
  <td>${p.sku}</td>
  <td class="num">${price}</td>
  <td>${unitLabel(locale, p.unit)}</td>
  <td class="num">${stock}</td>
  <td>${p.updatedAt === undefined ? '' : html`<time datetime="${p.updatedAt}">${formatDate(locale, p.updatedAt)}</time>`}</td>
</tr>`;
  };
  return html`<div class="table-scroll" role="region" aria-labelledby="products-caption" tabindex="0">
<table class="product-table">
  <caption id="products-caption">${caption}</caption>
  <thead><tr>
    <th scope="col"><span class="visually-hidden">${t(locale, 'list.col_image')}</span></th>
    ${sortHeader(locale, query, 'name', t(locale, 'list.col_name'))}
    ${sortHeader(locale, query, 'sku', t(locale, 'list.col_sku'))}
    ${sortHeader(locale, query, 'price', t(locale, 'list.col_price'))}
    <th scope="col">${t(locale, 'list.col_unit')}</th>
    <th scope="col">${t(locale, 'list.col_stock')}</th>
    ${sortHeader(locale, query, 'updated', t(locale, 'list.col_updated'))}
  </tr></thead>
  <tbody>${products.map(row)}</tbody>
</table>
</div>`;
}
