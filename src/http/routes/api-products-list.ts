import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { isPlainText } from '../../plain-text.js';
import { apiTenantId } from '../api/api-key-required.js';
import { productJson } from '../api/product-json.js';
import type { Services } from '../http-context.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** A whole-number query parameter within [min, max]; absent → fallback; anything else → undefined. */
function wholeNumber(raw: unknown, min: number, max: number, fallback: number): number | undefined {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

/** Why a search text is refused: its length first, then its characters (the database refuses a NUL in any text). */
function searchProblem(q: string | undefined): string | undefined {
  if (q === undefined || q.length > 200) return 'Send one search text of at most 200 characters.';
  return isPlainText(q) ? undefined : 'Remove the control characters (such as NUL) from the search text.';
}

/**
 * GET /api/v1/products[?q=…&limit=1..100&offset=N] → 200 {items, total, limit, offset}: the
 * tenant's products, newest first; `q` matches name or SKU. A bad `limit`, `offset` or `q` → 400.
 */
export default async function apiProductsList(app: FastifyInstance, s: Pick<Services, 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.get('/api/v1/products', { onRequest: s.auth.requireApiKey }, async (request) => {
    const query = request.query as { q?: unknown; limit?: unknown; offset?: unknown };
    const limit = wholeNumber(query.limit, 1, MAX_LIMIT, DEFAULT_LIMIT);
    const offset = wholeNumber(query.offset, 0, 2147483647, 0);
    const q = query.q === undefined ? '' : typeof query.q === 'string' ? query.q.trim() : undefined;
    const qProblem = searchProblem(q);
    if (limit === undefined || offset === undefined || q === undefined || qProblem !== undefined) {
      throw new AppError('BadRequest', 'The query is not valid; see `fields`.', {
        fields: {
          ...(limit === undefined ? { limit: `Use a whole number from 1 to ${MAX_LIMIT}.` } : {}),
          ...(offset === undefined ? { offset: 'Use a whole number, 0 or more.' } : {}),
          ...(qProblem === undefined ? {} : { q: qProblem }),
        },
      });
    }
    const { items, total } = await s.catalog.listProducts(apiTenantId(request), { q, limit, offset });
    return { items: await Promise.all(items.map((p) => productJson(s.urls, p))), total, limit, offset };
  });
}
