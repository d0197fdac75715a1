/**
 * GET /products/trash: the tenant's deleted products (name, SKU, when deleted, when they go
 * for good) with Restore and Delete forever per row, and Empty trash. Every action is a plain
 * POST form with its CSRF field; the destructive ones ask first (data-confirm, public/app.js)
 * when JavaScript runs.
 */
import { t, type Locale } from '../i18n/index.js';
import { csrfField } from './fields.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import type { PageContext, PaginationView } from './types.js';

export interface TrashRowView {
  readonly id: string;
  readonly name: string;
  readonly sku: string;
  /** ISO 8601. */
  readonly deletedAt: string;
  /** ISO 8601: when the expiry sweep deletes it for good. */
  readonly purgeAt: string;
}

export interface TrashPageModel {
  readonly page: PageContext;
  readonly days: number;
  readonly items: readonly TrashRowView[];
  readonly pagination: PaginationView;
}

const INTL_TAG: Record<Locale, string> = { en: 'en-US', es: 'es-ES' };

/** Dates in UTC, so every instance renders the same text; the `<time>` element carries the exact instant. */
function when(locale: Locale, iso: string, withTime: boolean): SafeHtml {
  const format = new Intl.DateTimeFormat(INTL_TAG[locale], {
    dateStyle: withTime ? 'medium' : 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'UTC',
  });
  return html`<time datetime="${iso}">${format.format(new Date(iso))}${withTime ? ' UTC' : ''}</time>`;
}

export function trashCount(locale: Locale, count: number): string {
  if (new Intl.PluralRules(INTL_TAG[locale]).select(count) === 'one') return t(locale, 'trash.count_one');
  return t(locale, 'trash.count', { count: new Intl.NumberFormat(INTL_TAG[locale]).format(count) });
}

export function trashPage(model: TrashPageModel): string {
  const { locale, csrfToken } = model.page;
  const total = model.pagination.total ?? model.items.length;
  const body = html`<p><a href="/products">← ${t(locale, 'detail.back')}</a></p>
<div class="page-head">
  <h1>${t(locale, 'trash.title')}</h1>
  ${
    total > 0
      ? html`<form method="post" action="/products/trash/empty" class="inline-form" data-confirm="${t(locale, 'trash.empty_trash_confirm')}">
    ${csrfField(csrfToken)}
    <button type="submit" class="button danger">${t(locale, 'trash.empty_trash')}</button>
  </form>`
      : ''
  }
</div>
<p class="hint">${t(locale, 'trash.intro', { days: model.days })}</p>
${
  total === 0
    ? html`<p class="empty-state">${t(locale, 'trash.empty')}</p>`
    : html`<p class="list-count">${trashCount(locale, total)}</p>
<div class="table-scroll" role="region" aria-labelledby="trash-caption" tabindex="0">
<table class="trash-table">
  <caption id="trash-caption">${t(locale, 'trash.caption')}</caption>
  <thead><tr>
    <th scope="col">${t(locale, 'trash.col_name')}</th>
    <th scope="col">${t(locale, 'trash.col_sku')}</th>
    <th scope="col">${t(locale, 'trash.col_deleted')}</th>
    <th scope="col">${t(locale, 'trash.col_purge')}</th>
    <th scope="col">${t(locale, 'trash.col_actions')}</th>
  </tr></thead>
  <tbody>${model.items.map((row) => trashRow(locale, csrfToken, row))}</tbody>
</table>
</div>
${pagination(locale, model.pagination)}`
}`;
  return layout(model.page, t(locale, 'trash.title'), body);
}

function trashRow(locale: Locale, csrfToken: string | undefined, row: TrashRowView): SafeHtml {
  const base = `/products/${encodeURIComponent(row.id)}`;
  return html`<tr id="trashed-${row.id}">
    <th scope="row">${row.name}</th>
    <td>${row.sku}</td>
    <td>${when(locale, row.deletedAt, true)}</td>
    <td>${when(locale, row.purgeAt, false)}</td>
    <td class="row-actions">
      <form method="post" action="${base}/restore" class="inline-form">
        ${csrfField(csrfToken)}<input type="hidden" name="next" value="trash">
        <button type="submit" class="button" aria-label="${t(locale, 'trash.restore_named', { name: row.name })}">${t(locale, 'trash.restore')}</button>
      </form>
      <form method="post" action="${base}/delete-forever" class="inline-form" data-confirm="${t(locale, 'trash.delete_forever_confirm')}">
        ${csrfField(csrfToken)}
        <button type="submit" class="button danger" aria-label="${t(locale, 'trash.delete_forever_named', { name: row.name })}">${t(locale, 'trash.delete_forever')}</button>
      </form>
    </td>
  </tr>`;
}

function pagination(locale: Locale, p: PaginationView): SafeHtml {
  if (p.pageCount <= 1) return html``;
  const link = (page: number, key: 'products.prev' | 'products.next', rel: string) =>
    html`<a href="/products/trash?page=${page}" rel="${rel}">${t(locale, key)}</a>`;
  return html`<nav class="pagination" aria-label="${t(locale, 'trash.pagination')}">
  ${p.page > 1 ? link(p.page - 1, 'products.prev', 'prev') : ''}
  <span>${t(locale, 'products.page_of', { page: p.page, pages: p.pageCount })}</span>
  ${p.page < p.pageCount ? link(p.page + 1, 'products.next', 'next') : ''}
</nav>`;
}
