/**
 * View models: everything a page needs, already decided by the route (URLs computed from
 * object keys, values as typed, errors as message keys). Views are pure functions of these —
 * no database, no config, no request — so they are trivial to test and cannot leak data they
 * were not given.
 */
import type { Locale, Msg } from '../i18n/index.js';

export type { Locale, Msg } from '../i18n/index.js';

export interface Flash {
  readonly kind: 'success' | 'error';
  readonly message: Msg;
  /** A second line after the message (e.g. "It is in the trash for 30 days."). */
  readonly detail?: Msg;
  /** A product id whose Undo button (POST /products/{id}/restore) the flash offers. */
  readonly undoProductId?: string;
}

/** Who is logged in, for the header. */
export interface SessionView {
  readonly email: string;
  readonly tenantName: string;
  /** owner: sees members and API keys; editor: the catalog only. */
  readonly role: 'owner' | 'editor';
  /** The shop's ISO 4217 currency, for every price the page shows. */
  readonly currency: string;
}

/** What every page shares: language, the CSRF token for its forms, the header and the flashes. */
export interface PageContext {
  readonly locale: Locale;
  /** Required on any page with a form (log-out included). */
  readonly csrfToken?: string;
  readonly session?: SessionView | null;
  readonly flash?: readonly Flash[];
  /** The page's path and query (without `lang`): the header marks the current page, the language switch keeps the query. */
  readonly path?: string;
}

/** One entry of a `srcset`: an image URL and its intrinsic width in pixels. */
export interface ImageSource {
  readonly url: string;
  readonly width: number;
}

/**
 * A product image as a page shows it. `ready` carries URLs computed by the route;
 * the other states render a labelled placeholder.
 */
/** Why processing failed, in words a page can say (uploads.broken_*). */
export type BrokenReason = 'damaged' | 'missing' | 'other';

export type ImageView =
  | { readonly status: 'none' | 'processing' }
  | { readonly status: 'broken'; readonly reason?: BrokenReason }
  | {
      readonly status: 'ready';
      /** Fallback `src` (a variant every browser can decode). */
      readonly src: string;
      /** Intrinsic size of `src`, so the browser reserves the box before it loads (no layout shift). */
      readonly width: number;
      readonly height: number;
      readonly srcset: readonly ImageSource[];
    };

export interface ProductSummaryView {
  readonly id: string;
  readonly name: string;
  readonly sku: string;
  /** Exact decimal as text, e.g. "19.99". */
  readonly salePrice: string;
  /** Unit code, e.g. "kg" (translated when it is one of the seeded codes). */
  readonly unit: string;
  readonly image: ImageView;
}

export interface PaginationView {
  /** 1-based. */
  readonly page: number;
  readonly pageCount: number;
  readonly total?: number;
}

/** The product list's model: list-types.ts. */
export type { ProductsListModel } from './list-types.js';

export interface ProductDetailView extends ProductSummaryView {
  readonly description: string | null;
  /** Stock on hand; null when not tracked (absent: not shown). */
  readonly stockQuantity?: number | null;
}

export interface ProductDetailModel {
  readonly page: PageContext;
  readonly product: ProductDetailView;
  /** The list to return to (a validated `/products?…` URL, http/list-query.ts); default /products. */
  readonly back?: string | undefined;
}

export interface UnitOption {
  readonly id: number | string;
  /** Seeded code ("unit", "kg", …); also the label when there is no translation. */
  readonly code: string;
}

/** The form's fields exactly as posted (strings), so a failed post shows what was typed. */
export interface ProductFormValues {
  readonly name: string;
  readonly sku: string;
  readonly uom_id: string;
  readonly sale_price: string;
  readonly description: string;
  /** Stock on hand as typed; empty: not tracked. */
  readonly stock_quantity?: string;
}

export type ProductField = keyof ProductFormValues | 'image';
export type ProductFieldErrors = Partial<Record<ProductField, Msg>>;

export interface UploadLimits {
  readonly maxBytes: number;
  /** MIME types the server accepts, e.g. ["image/jpeg", "image/png", "image/gif", "image/webp"]. */
  readonly allowedTypes: readonly string[];
}

export interface ProductFormModel {
  readonly page: PageContext;
  readonly mode: 'new' | 'edit';
  /** Where the form posts: "/products/new" or "/products/{id}/edit". */
  readonly action: string;
  /** Edit only: the product's id (for Cancel) and its stored name (for the title). */
  readonly productId?: string;
  readonly productName?: string;
  readonly values: ProductFormValues;
  readonly errors: ProductFieldErrors;
  readonly units: readonly UnitOption[];
  /** Edit only: the image the product has now. */
  readonly currentImage?: ImageView;
  /** Edit only: keep the checkbox ticked after a failed post. */
  readonly removeImage?: boolean;
  readonly upload: UploadLimits;
  /** The id of the trashed product whose SKU was typed: the form links to it in the trash. */
  readonly skuInTrash?: string | undefined;
  /** An image kept from a refused submit of this form (http/pages/product-pages.ts). */
  readonly pending?: PendingUploadView;
  /** The list to return to after saving (a validated `/products?…` URL); a hidden field `back`. */
  readonly back?: string | undefined;
}

/** A form's kept image: shown as a thumbnail with its name, sent back as a signed token. */
export interface PendingUploadView {
  /** The hidden field's value (http/pages/pending-token.ts). */
  readonly token: string;
  /** Its thumbnail's URL, served to its owner only. */
  readonly src: string;
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
}

export interface LoginModel {
  readonly page: PageContext;
  readonly email: string;
  readonly error?: Msg;
  /** Where to go after logging in (hidden field `next`), when the route supports it. */
  readonly next?: string;
}

export interface SignupValues {
  readonly tenant_name: string;
  readonly email: string;
  /** ISO 4217; left out: the page language's usual one (EUR for Spanish, USD for English). */
  readonly currency?: string;
}

export interface SignupModel {
  readonly page: PageContext;
  readonly values: SignupValues;
  readonly errors: Partial<Record<keyof SignupValues | 'password', Msg>>;
}

export interface ErrorPageModel {
  readonly page: PageContext;
  readonly status: number;
  /** A message for people; defaults to a generic text for the status. */
  readonly message?: Msg;
}
