import type { FastifyInstance } from 'fastify';
import { purgeDateOf, TRASH_DAYS } from '../../catalog/trash.repository.js';
import type { Services } from '../http-context.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { trashPage } from '../views/trash-page.js';

/** Rows per page of the trash. */
export const TRASH_PAGE_SIZE = 50;
/** Past this, `?page=` names no page anyone reaches by the links (and keeps OFFSET bounded). */
const MAX_PAGE = 10_000;

function pageParam(raw: unknown): number {
  if (typeof raw !== 'string' || raw.length > 5 || !/^\d+$/.test(raw)) return 1;
  return Math.min(Math.max(Number(raw), 1), MAX_PAGE);
}

/** GET /products/trash[?page=N]: the tenant's trashed products, most recently deleted first. */
export default async function trashPageRoute(app: FastifyInstance, s: Pick<Services, 'pages' | 'catalog' | 'auth'>): Promise<void> {
  app.get('/products/trash', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const page = pageParam((request.query as Record<string, unknown>).page);
    const tenantId = request.account!.tenantId;
    const { items, total } = await s.catalog.listTrash(tenantId, { limit: TRASH_PAGE_SIZE, offset: (page - 1) * TRASH_PAGE_SIZE });
    const pageCount = Math.max(1, Math.ceil(total / TRASH_PAGE_SIZE));
    // Past the last page (a stale link, the last row of a page restored): its last page, not an empty table.
    if (page > pageCount) return reply.redirect(pageCount === 1 ? '/products/trash' : `/products/trash?page=${pageCount}`, 302);
    return sendPage(
      reply,
      trashPage({
        page: pageContext(s.pages, request, reply),
        days: TRASH_DAYS,
        items: items.map((p) => ({
          id: String(p.id),
          name: p.name,
          sku: p.sku,
          deletedAt: p.deleted_at.toISOString(),
          purgeAt: purgeDateOf(p.deleted_at).toISOString(),
        })),
        pagination: { page, pageCount, total },
      }),
    );
  });
}
