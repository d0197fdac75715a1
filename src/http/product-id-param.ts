import type { FastifyRequest } from 'fastify';
import { isRowId } from '../db/row-id.js';
import { AppError } from '../errors.js';

/** The `:id` of a path as a row id, or undefined for anything else (digits only, at most 10, read before any pattern). */
export function idParam(request: FastifyRequest): number | undefined {
  const raw = (request.params as { id?: string }).id ?? '';
  const id = raw.length <= 10 && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  return isRowId(id) ? id : undefined;
}

/** The product id in a path, or NotFound (a malformed id is as unknown as a missing one). */
export function productIdParam(request: FastifyRequest): number {
  const id = idParam(request);
  if (id === undefined) throw new AppError('NotFound', 'There is no such product.');
  return id;
}
