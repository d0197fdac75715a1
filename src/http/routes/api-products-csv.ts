import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { LOW_STOCK_THRESHOLD } from '../../catalog/products.repository.js';
import { AppError } from '../../errors.js';
import { isPlainText } from '../../plain-text.js';
import { apiTenantId } from '../api/api-key-required.js';
import { csvFileName, productsCsv } from '../export/products-csv.js';
import type { Services } from '../http-context.js';

/**
 * GET /api/v1/products.csv[?q=…&stock=low] → 200 text/csv: every live product of the key's
 * tenant (matching `q` by name or SKU; with `stock=low`, tracked and at most 5 left), streamed
 * (http/export/products-csv.ts). A bad `q` or `stock` → 400 JSON, before any CSV is sent.
 */
export default async function apiProductsCsv(app: FastifyInstance, s: Pick<Services, 'catalog' | 'urls' | 'auth'>): Promise<void> {
  app.get('/api/v1/products.csv', { onRequest: s.auth.requireApiKey }, async (request, reply) => {
    const query = request.query as { q?: unknown; stock?: unknown };
    const q = query.q === undefined ? '' : typeof query.q === 'string' && query.q.length <= 200 ? query.q.trim() : undefined;
    const stockOk = query.stock === undefined || query.stock === 'low';
    if (q === undefined || !isPlainText(q) || !stockOk) {
      throw new AppError('BadRequest', 'The query is not valid; see `fields`.', {
        fields: {
          ...(q === undefined || !isPlainText(q)
            ? { q: 'Send one search text of at most 200 characters, without control characters.' }
            : {}),
          ...(stockOk ? {} : { stock: 'Use stock=low, or leave it out.' }),
        },
      });
    }
    const filter = { q, lowStockAt: query.stock === 'low' ? LOW_STOCK_THRESHOLD : undefined };
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvFileName()}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(productsCsv(s, apiTenantId(request), filter)));
  });
}
