import type { FastifyInstance } from 'fastify';
import type { Services } from '../http-context.js';
import { sendLinkGone, tokenParam } from '../pages/link-pages.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { invitePage } from '../views/invite.js';

/** GET /invite/{token} (no log-in): the shop's name and the form to join it; a used or expired link → 410, unknown → 404. */
export default async function invitePageRoute(app: FastifyInstance, s: Pick<Services, 'auth' | 'pages'>): Promise<void> {
  app.get('/invite/:token', async (request, reply) => {
    const token = tokenParam(request);
    const state = await s.auth.account.invites.state(token);
    if (state.status !== 'open') return sendLinkGone(s.pages, request, reply, 'invite', state.status);
    const page = pageContext(s.pages, request, reply);
    return sendPage(reply, invitePage({ page, token, shopName: state.tenantName, role: state.role, email: '', errors: {} }));
  });
}
