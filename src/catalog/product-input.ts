/**
 * Validation of product fields from a form or a JSON body, with one message per field so a
 * page can show each beside its input and the API can answer 422.
 *
 * @example
 *   const r = parseProductInput({ name: 'Tea', sku: 'T-1', uom_id: '2', sale_price: '4.50' });
 *   if (!r.ok) r.errors.sale_price;   // 'Enter a price such as 19.99 …'
 */
import { isPlainText } from '../plain-text.js';
import { normalizePrice, parseLocalePrice, PRICE_HINT, type PriceFormat } from './price.js';

export interface ProductInput {
  sku: string;
  name: string;
  description: string;
  uomId: number;
  /** Canonical exact decimal string, e.g. '19.90'. */
  salePrice: string;
  /** Stock on hand, a whole number ≥ 0; null: not tracked. Left out: unchanged (a new product: not tracked). */
  stockQuantity?: number | null;
}

export type ProductField = 'sku' | 'name' | 'description' | 'uom_id' | 'sale_price' | 'stock_quantity';
/** What is wrong with a field, for pages to translate (`error.{code}`); `errors` has the English text. */
export type ProductErrorCode =
  | 'name_required'
  | 'name_too_long'
  | 'name_invalid'
  | 'sku_required'
  | 'sku_invalid'
  | 'uom_invalid'
  | 'price_invalid'
  | 'description_too_long'
  | 'description_invalid'
  | 'stock_invalid'
  | 'stock_too_large';
export type ProductInputResult<T> =
  | { ok: true; value: T }
  | { ok: false; errors: Partial<Record<ProductField, string>>; codes: Partial<Record<ProductField, ProductErrorCode>> };

type Raw = Record<string, unknown>;

const SKU = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]{0,63}$/u;
/** 64 characters of up to two UTF-16 units each: a longer SKU is refused before SKU looks at it. */
const MAX_SKU_UNITS = 128;
/** PostgreSQL's `integer` holds no more: a larger unit id names no row, and the database refuses it (22003). */
const MAX_ID = 2_147_483_647;

function text(raw: Raw, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/**
 * Checks every field; with `partial`, absent fields are left out (an API PATCH) instead of
 * reported missing. `uom_id` defaults to 1 ('unit') on a full input.
 */
export function parseProductInput(raw: Raw, options?: { partial?: false; priceFormat?: PriceFormat }): ProductInputResult<ProductInput>;
export function parseProductInput(
  raw: Raw,
  options: { partial: true; priceFormat?: PriceFormat },
): ProductInputResult<Partial<ProductInput>>;
export function parseProductInput(
  raw: Raw,
  options: { partial?: boolean; priceFormat?: PriceFormat } = {},
): ProductInputResult<Partial<ProductInput>> {
  const errors: Partial<Record<ProductField, string>> = {};
  const codes: Partial<Record<ProductField, ProductErrorCode>> = {};
  const value: Partial<ProductInput> = {};
  const partial = options.partial === true;
  const problem = (field: ProductField, code: ProductErrorCode, message: string) => {
    errors[field] = message;
    codes[field] = code;
  };

  const name = text(raw, 'name');
  if (name !== undefined || !partial) {
    if (!name) problem('name', 'name_required', 'Enter a name.');
    else if (name.length > 200) problem('name', 'name_too_long', 'Keep the name under 200 characters.');
    else if (!isPlainText(name))
      problem(
        'name',
        'name_invalid',
        'Remove the control characters (such as NUL or a tab), and any unpaired \\uD800-style escape, from the name.',
      );
    else value.name = name;
  }

  const sku = text(raw, 'sku');
  if (sku !== undefined || !partial) {
    if (!sku) problem('sku', 'sku_required', 'Enter a SKU.');
    else if (sku.length > MAX_SKU_UNITS || !SKU.test(sku))
      problem('sku', 'sku_invalid', 'Use up to 64 letters, digits, and . _ - / (starting with a letter or digit).');
    else value.sku = sku;
  }

  const description = text(raw, 'description');
  if (description !== undefined || !partial) {
    if ((description ?? '').length > 5000) problem('description', 'description_too_long', 'Keep the description under 5000 characters.');
    else if (!isPlainText(description ?? '', { lineBreaks: true })) {
      problem(
        'description',
        'description_invalid',
        'Remove the control characters (such as NUL), and any unpaired \\uD800-style escape, from the description; line breaks are fine.',
      );
    } else value.description = description ?? '';
  }

  const uom = text(raw, 'uom_id') ?? text(raw, 'uomId');
  if (uom !== undefined || !partial) {
    // Digits only: Number() would also take '1e3', '0x10' or '1.0'.
    const id = uom === undefined || uom === '' ? 1 : /^\d{1,10}$/.test(uom) ? Number(uom) : NaN;
    if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) problem('uom_id', 'uom_invalid', 'Choose a unit of measure from the list.');
    else value.uomId = id;
  }

  const rawPrice = raw['sale_price'] ?? raw['salePrice'];
  if (rawPrice !== undefined || !partial) {
    // A page's form reads the price as its language writes it ('1.234,50'); the API keeps '1234.50'.
    const { priceFormat } = options;
    const price =
      typeof rawPrice === 'string' && priceFormat !== undefined
        ? parseLocalePrice(rawPrice, priceFormat)
        : typeof rawPrice === 'string' || typeof rawPrice === 'number'
          ? normalizePrice(rawPrice)
          : undefined;
    if (price === undefined)
      problem('sale_price', 'price_invalid', rawPrice === undefined || rawPrice === '' ? 'Enter a sale price.' : PRICE_HINT);
    else value.salePrice = price;
  }

  // null (JSON) untracks, like an empty field.
  const rawStock = Object.hasOwn(raw, 'stock_quantity') ? raw['stock_quantity'] : raw['stockQuantity'];
  // Left out (a form or client that does not know the field): not set, so an update keeps the stock.
  if (rawStock !== undefined) {
    const stock = parseStockQuantity(rawStock);
    if (stock === 'invalid') problem('stock_quantity', 'stock_invalid', STOCK_HINT);
    else if (stock === 'too_large') problem('stock_quantity', 'stock_too_large', STOCK_TOO_LARGE);
    else value.stockQuantity = stock;
  }

  return Object.keys(errors).length > 0 ? { ok: false, errors, codes } : { ok: true, value };
}

export const STOCK_HINT = 'Enter a whole number of 0 or more, such as 12, or leave it empty if you do not count this stock.';
export const STOCK_TOO_LARGE = `Enter a quantity of at most ${MAX_ID}.`;

/**
 * Stock on hand from a form field or JSON: empty, absent or null is "not tracked" (null); a
 * whole number 0…2147483647 (PostgreSQL's `integer`) as digits or a JSON number is kept.
 * "-3", "1.5", "1e3" and "abc" are invalid; more digits than an integer holds is too large.
 */
export function parseStockQuantity(raw: unknown): number | null | 'invalid' | 'too_large' {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0) return 'invalid';
    return raw > MAX_ID ? 'too_large' : raw;
  }
  if (typeof raw !== 'string') return 'invalid';
  // Checked for length before any pattern sees it.
  if (raw.length > 40) return 'invalid';
  const digits = raw.trim();
  if (digits === '') return null;
  if (!/^\d+$/.test(digits)) return 'invalid';
  if (digits.length > 10) return 'too_large';
  const n = Number(digits);
  return n > MAX_ID ? 'too_large' : n;
}
