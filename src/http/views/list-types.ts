/** View models of the product list (GET /products): the grid, the table and their controls. */
import type { ListQuery, ListView } from '../list-query.js';
import type { PageContext, PaginationView, ProductSummaryView } from './types.js';

/** A product as a list row: the card's fields, its stock and when it last changed. */
export interface ProductListItemView extends ProductSummaryView {
  /** Stock on hand; null when not tracked; undefined when the caller does not say. */
  readonly stock?: number | null;
  /** ISO 8601. */
  readonly updatedAt?: string;
}

/** The list's state beyond the products: how they are sorted, filtered and shown. */
export interface ListState {
  readonly query: ListQuery;
  readonly view: ListView;
  /** "Low stock" means tracked and at most this many. */
  readonly lowStockThreshold: number;
  /** Set when the page asked for is past the last one: the page says so and links to the last. */
  readonly noSuchPage?: boolean;
}

export interface ProductsListModel {
  readonly page: PageContext;
  readonly q: string;
  readonly products: readonly ProductListItemView[];
  readonly pagination: PaginationView;
  /** Without it: the grid, newest first, 48 per page, no filter. */
  readonly list?: ListState;
}
