import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { LOW_STOCK_THRESHOLD } from '../../catalog/products.repository.js';
import { AppError } from '../../errors.js';
import { csvFileName, productsCsv } from '../export/products-csv.js';
import type { Services } from '../http-context.js';
import { parseListQuery } from '../list-query.js';

/**
 * GET /products.csv[?q=…&stock=low]: the list page's export — every live product matching
 * the list's search and filter, streamed as CSV (http/export/products-csv.ts). Session auth,
 * like the list; a GET changes nothing, so it needs no CSRF token.
 */
export default async function productsCsvRoute(app: FastifyInstance, s: Pick<Services, 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.get('/products.csv', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const query = parseListQuery(request.query as Record<string, unknown>);
    if (query.badSearch)
      throw new AppError('BadRequest', 'The search text contains a control character (such as NUL); type the search again.');
    const filter = { q: query.q, lowStockAt: query.lowStock ? LOW_STOCK_THRESHOLD : undefined };
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvFileName()}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(productsCsv(s, request.account!.tenantId, filter)));
  });
}
