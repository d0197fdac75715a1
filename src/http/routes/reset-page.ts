import type { FastifyInstance } from 'fastify';
import type { Services } from '../http-context.js';
import { sendLinkGone, tokenParam } from '../pages/link-pages.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { resetPage } from '../views/reset.js';

/** GET /reset/{token} (no log-in): the new-password form; a used or expired link → 410, unknown → 404. Says nothing of whose link it is. */
export default async function resetPageRoute(app: FastifyInstance, s: Pick<Services, 'auth' | 'pages'>): Promise<void> {
  app.get('/reset/:token', async (request, reply) => {
    const token = tokenParam(request);
    const state = await s.auth.account.resets.state(token);
    if (state.status !== 'open') return sendLinkGone(s.pages, request, reply, 'reset', state.status);
    return sendPage(reply, resetPage({ page: pageContext(s.pages, request, reply), token, errors: {} }));
  });
}
