import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/** The product id in a path, or NotFound (a malformed id is as unknown as a missing one). */
export function productIdParam(request: FastifyRequest): number {
  const raw = (request.params as { id?: string }).id ?? '';
  const id = raw.length <= 10 && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2147483647) throw new AppError('NotFound', 'There is no such product.');
  return id;
}
