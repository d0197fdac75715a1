/**
 * A product from a JSON request body, checked by the same rules as the product form
 * (catalog/product-input.ts), with every problem reported at once as 422 `fields`.
 *
 * Only the writable fields are accepted; anything else (a typo such as `price`, or a read-only
 * field such as `id` or `image`) is a 422 too, rather than silently ignored.
 *
 * @example
 *   const input = productBody(request, { partial: false });   // ProductInput, or throws
 */
import type { FastifyRequest } from 'fastify';
import { parseProductInput, type ProductField, type ProductInput } from '../../catalog/product-input.js';
import { AppError, isAppError } from '../../errors.js';

/** `stock_quantity`: a whole number ≥ 0, or null (not tracked); left out of a create, it is null. */
export const WRITABLE_FIELDS: readonly ProductField[] = ['sku', 'name', 'description', 'uom_id', 'sale_price', 'stock_quantity'];

function jsonObject(request: FastifyRequest): Record<string, unknown> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AppError('UnsupportedMediaType', 'Send the product as JSON, with `Content-Type: application/json`.');
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('BadRequest', 'The body must be a JSON object, such as {"sku":"TEA-1","name":"Tea","sale_price":"4.50"}.');
  }
  return body as Record<string, unknown>;
}

export function productBody(request: FastifyRequest, options: { partial: false }): ProductInput;
export function productBody(request: FastifyRequest, options: { partial: true }): Partial<ProductInput>;
export function productBody(request: FastifyRequest, options: { partial: boolean }): Partial<ProductInput> {
  const body = jsonObject(request);
  const fields: Record<string, string> = {};
  for (const key of Object.keys(body)) {
    if (!(WRITABLE_FIELDS as readonly string[]).includes(key)) {
      fields[key] = `Not a writable field; send only ${WRITABLE_FIELDS.join(', ')}.`;
    }
  }
  // `"description": null` clears it, as an empty string does.
  const raw = body.description === null ? { ...body, description: '' } : body;
  const parsed = options.partial ? parseProductInput(raw, { partial: true }) : parseProductInput(raw);
  if (!parsed.ok || Object.keys(fields).length > 0) {
    throw new AppError('Unprocessable', 'The product is not valid; see `fields`.', {
      fields: { ...fields, ...(parsed.ok ? {} : parsed.errors) },
    });
  }
  return parsed.value;
}

/** A failed save's duplicate SKU or unknown unit, pinned on its field like a validation error. */
export function withSaveFields(err: unknown): never {
  if (isAppError(err, 'Conflict')) throw new AppError('Conflict', err.message, { fields: { sku: err.message }, cause: err });
  if (isAppError(err, 'Unprocessable') && /unit of measure/i.test(err.message)) {
    throw new AppError('Unprocessable', 'The product is not valid; see `fields`.', { fields: { uom_id: err.message }, cause: err });
  }
  throw err;
}
