import type { FastifyInstance } from 'fastify';
import { msg } from '../i18n/index.js';
import { accountOf, formFields, refusedUnlessOwner, renderTeam, sendErrorPage, type AccountDeps } from '../pages/account-pages.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { redirectWithFlash } from '../pages/page-context.js';
import { idParam } from '../product-id-param.js';

/** POST /settings/team/invites/{id}/revoke (_csrf), owners only → the link stops working; 302 to the team page. Another tenant's → 404. */
export default async function teamInviteRevoke(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings/team/invites/:id/revoke', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const field = formFields(request);
    if (!csrfValid(request, s.pages.secret, field('_csrf')))
      return renderTeam(s, request, reply, { flash: [{ kind: 'error', message: msg('error.csrf') }] }, 403);
    if (await refusedUnlessOwner(s, request, reply)) return reply;
    const id = idParam(request);
    if (id === undefined || !(await s.auth.account.team.revokeInvite(accountOf(request).tenantId, id)))
      return sendErrorPage(s, request, reply, 404, msg('team.not_found'));
    return redirectWithFlash(s.pages, reply, '/settings/team', { kind: 'success', message: msg('team.invite_revoked') });
  });
}
