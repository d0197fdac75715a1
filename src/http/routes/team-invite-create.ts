import type { FastifyInstance } from 'fastify';
import { MAX_OPEN_INVITES } from '../../tenancy/one-time-links.js';
import { msg } from '../i18n/index.js';
import { accountOf, formFields, refusedUnlessOwner, renderTeam, type AccountDeps } from '../pages/account-pages.js';
import { csrfValid } from '../pages/csrf-guard.js';

/**
 * POST /settings/team/invites (role: owner | editor, _csrf), owners only → 200, the team page
 * with the invitation link (APP_URL/invite/{token}) shown this once, to copy and send; the link
 * works once, for 7 days. Only the token's sha256 is stored.
 */
export default async function teamInviteCreate(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings/team/invites', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const field = formFields(request);
    if (!csrfValid(request, s.pages.secret, field('_csrf')))
      return renderTeam(s, request, reply, { flash: [{ kind: 'error', message: msg('error.csrf') }] }, 403);
    if (await refusedUnlessOwner(s, request, reply)) return reply;
    const role = field('role') === 'owner' ? 'owner' : 'editor';
    const account = accountOf(request);
    const invite = await s.auth.account.team.invite(account.tenantId, account.userId, role);
    if (invite === undefined) {
      const tooMany = msg('team.too_many_invites', { max: MAX_OPEN_INVITES });
      return renderTeam(s, request, reply, { flash: [{ kind: 'error', message: tooMany }] }, 409);
    }
    const { token } = invite;
    request.log.info({ event: 'invite-created', tenantId: account.tenantId, role }, 'invitation created');
    return renderTeam(s, request, reply, { newInviteUrl: s.auth.account.linkUrl('invite', token) });
  });
}
