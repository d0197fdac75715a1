/**
 * Validation of product fields from a form or a JSON body, with one message per field so a
 * page can show each beside its input and the API can answer 422.
 *
 * @example
 *   const r = parseProductInput({ name: 'Tea', sku: 'T-1', uom_id: '2', sale_price: '4.50' });
 *   if (!r.ok) r.errors.sale_price;   // 'Enter a price such as 19.99 …'
 */
import { normalizePrice, PRICE_HINT } from './price.js';

export interface ProductInput {
  sku: string;
  name: string;
  description: string;
  uomId: number;
  /** Canonical exact decimal string, e.g. '19.90'. */
  salePrice: string;
}

export type ProductField = 'sku' | 'name' | 'description' | 'uom_id' | 'sale_price';
/** What is wrong with a field, for pages to translate (`error.{code}`); `errors` has the English text. */
export type ProductErrorCode =
  | 'name_required' | 'name_too_long' | 'sku_required' | 'sku_invalid' | 'uom_invalid' | 'price_invalid' | 'description_too_long';
export type ProductInputResult<T> =
  | { ok: true; value: T }
  | { ok: false; errors: Partial<Record<ProductField, string>>; codes: Partial<Record<ProductField, ProductErrorCode>> };

type Raw = Record<string, unknown>;

const SKU = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]{0,63}$/u;

function text(raw: Raw, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/**
 * Checks every field; with `partial`, absent fields are left out (an API PATCH) instead of
 * reported missing. `uom_id` defaults to 1 ('unit') on a full input.
 */
export function parseProductInput(raw: Raw, options?: { partial?: false }): ProductInputResult<ProductInput>;
export function parseProductInput(raw: Raw, options: { partial: true }): ProductInputResult<Partial<ProductInput>>;
export function parseProductInput(raw: Raw, options: { partial?: boolean } = {}): ProductInputResult<Partial<ProductInput>> {
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
    else value.name = name;
  }

  const sku = text(raw, 'sku');
  if (sku !== undefined || !partial) {
    if (!sku) problem('sku', 'sku_required', 'Enter a SKU.');
    else if (!SKU.test(sku)) problem('sku', 'sku_invalid', 'Use up to 64 letters, digits, and . _ - / (starting with a letter or digit).');
    else value.sku = sku;
  }

  const description = text(raw, 'description');
  if (description !== undefined || !partial) {
    if ((description ?? '').length > 5000) problem('description', 'description_too_long', 'Keep the description under 5000 characters.');
    else value.description = description ?? '';
  }

  const uom = text(raw, 'uom_id') ?? text(raw, 'uomId');
  if (uom !== undefined || !partial) {
    const id = uom === undefined || uom === '' ? 1 : Number(uom);
    if (!Number.isSafeInteger(id) || id < 1) problem('uom_id', 'uom_invalid', 'Choose a unit of measure from the list.');
    else value.uomId = id;
  }

  const rawPrice = raw['sale_price'] ?? raw['salePrice'];
  if (rawPrice !== undefined || !partial) {
    const price = typeof rawPrice === 'string' || typeof rawPrice === 'number' ? normalizePrice(rawPrice) : undefined;
    if (price === undefined) problem('sale_price', 'price_invalid', rawPrice === undefined || rawPrice === '' ? 'Enter a sale price.' : PRICE_HINT);
    else value.salePrice = price;
  }

  return Object.keys(errors).length > 0 ? { ok: false, errors, codes } : { ok: true, value };
}
