/**
 * The product list's query — search, sort, order, page size, low-stock filter and page — read
 * from a request or from a `back` parameter, and written back as a canonical `/products?…`
 * URL. Every value is checked against a fixed list; anything unknown falls back to its default.
 *
 * A `back` URL is never echoed as given: it is parsed into a ListQuery and written again by
 * `listHref`, so the only thing it can ever lead to is the product list (no open redirect).
 *
 * @example
 *   const query = parseListQuery({ q: 'bolt', sort: 'price', dir: 'desc', per: '24', page: '2' });
 *   listHref(query);                       // '/products?q=bolt&sort=price&dir=desc&per=24&page=2'
 *   parseBackUrl('https://evil.example');  // undefined
 */
import { isPlainText } from '../plain-text.js';

export const SORT_KEYS = ['created', 'name', 'sku', 'price', 'updated'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';
export const PAGE_SIZES = [24, 48, 96] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 48;
export type ListView = 'grid' | 'table';

/** The longest search kept (longer text is cut); the longest `back` URL read at all. */
export const MAX_SEARCH = 200;
export const MAX_BACK_URL = 800;
const MAX_PAGE = 999_999;

export interface ListQuery {
  readonly q: string;
  readonly sort: SortKey;
  readonly dir: SortDir;
  readonly per: PageSize;
  /** Only products whose stock is tracked and low. */
  readonly lowStock: boolean;
  /** 1-based. */
  readonly page: number;
}

export const DEFAULT_LIST_QUERY: ListQuery = { q: '', sort: 'created', dir: 'desc', per: DEFAULT_PAGE_SIZE, lowStock: false, page: 1 };

/** Names first, then prices: ascending reads naturally; dates: the newest first. */
export function defaultDir(sort: SortKey): SortDir {
  return sort === 'created' || sort === 'updated' ? 'desc' : 'asc';
}

const KNOWN = new Set(['q', 'sort', 'dir', 'per', 'page', 'stock', 'view']);

function one(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // ?sort=a&sort=b: the first one counts.
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/**
 * The list's query from a request's query object (or a `back` URL's parameters). A search
 * with a control character is reported (`badSearch`) rather than sent to the database.
 */
export function parseListQuery(raw: Readonly<Record<string, unknown>>): ListQuery & { badSearch: boolean } {
  const qText = one(raw.q) ?? '';
  const q = qText.slice(0, MAX_SEARCH).trim();
  const sortText = one(raw.sort);
  const sort = (SORT_KEYS as readonly string[]).includes(sortText ?? '') ? (sortText as SortKey) : 'created';
  const dirText = one(raw.dir);
  const dir = dirText === 'asc' || dirText === 'desc' ? dirText : defaultDir(sort);
  const perText = one(raw.per);
  const per = PAGE_SIZES.find((size) => String(size) === perText) ?? DEFAULT_PAGE_SIZE;
  const pageText = one(raw.page) ?? '';
  const page = pageText.length <= 6 && /^\d+$/.test(pageText) ? Math.min(Math.max(1, Number(pageText)), MAX_PAGE) : 1;
  return { q, sort, dir, per, lowStock: one(raw.stock) === 'low', page, badSearch: !isPlainText(q) };
}

/** `?view=table|grid` as asked, or undefined. */
export function parseListView(value: unknown): ListView | undefined {
  const text = one(value);
  return text === 'table' || text === 'grid' ? text : undefined;
}

/** The list's URL for this query (defaults left out), with `overrides` applied. */
export function listHref(query: ListQuery, overrides: Partial<ListQuery> & { view?: ListView } = {}): string {
  const { view, ...rest } = overrides;
  const merged: ListQuery = { ...query, ...rest };
  const params = listParams(merged);
  if (view !== undefined) params.set('view', view);
  const qs = params.toString();
  return qs ? `/products?${qs}` : '/products';
}

/** The query's parameters without the defaults (and without `page`, with `withPage: false`). */
export function listParams(query: ListQuery, withPage = true): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.sort !== 'created') params.set('sort', query.sort);
  if (query.dir !== defaultDir(query.sort)) params.set('dir', query.dir);
  if (query.per !== DEFAULT_PAGE_SIZE) params.set('per', String(query.per));
  if (query.lowStock) params.set('stock', 'low');
  if (withPage && query.page > 1) params.set('page', String(query.page));
  return params;
}

/**
 * A `back` parameter read as a list query: only `/products` or `/products?…` with known
 * parameters, at most MAX_BACK_URL characters; anything else (another host, another path,
 * `//evil.example`, an unknown parameter, a bad search) is undefined.
 */
export function parseBackUrl(value: unknown): ListQuery | undefined {
  const text = one(value);
  if (text === undefined || text.length > MAX_BACK_URL) return undefined;
  if (text !== '/products' && !text.startsWith('/products?')) return undefined;
  const params = new URLSearchParams(text.slice('/products?'.length));
  const raw: Record<string, string> = {};
  for (const [key, v] of params) {
    if (!KNOWN.has(key)) return undefined;
    raw[key] ??= v;
  }
  const { badSearch, ...query } = parseListQuery(raw);
  return badSearch ? undefined : query;
}

/** The validated list URL of a `back` parameter, or undefined (then links go to plain /products). */
export function backHref(value: unknown): string | undefined {
  const query = parseBackUrl(value);
  return query === undefined ? undefined : listHref(query);
}

/** `path` with `?back=…` (or nothing when there is no list to return to, or it is the plain list). */
export function withBack(path: string, back: string | undefined): string {
  return back === undefined || back === '/products' ? path : `${path}?back=${encodeURIComponent(back)}`;
}
