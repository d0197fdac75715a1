import type { FastifyInstance } from 'fastify';
import { msg } from '../i18n/index.js';
import { accountOf, formFields, refusedUnlessOwner, renderTeam, sendErrorPage, type AccountDeps } from '../pages/account-pages.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { idParam } from '../product-id-param.js';

/**
 * POST /settings/team/members/{id}/reset-link (_csrf), owners only → 200, the team page with a
 * one-time password reset link for that member, shown this once (1 hour; it replaces the
 * member's older links). Another tenant's member → 404.
 */
export default async function teamMemberResetLink(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings/team/members/:id/reset-link', { preHandler: s.auth.requireLogin }, async (request, reply) => {
    const field = formFields(request);
    if (!csrfValid(request, s.pages.secret, field('_csrf')))
      return renderTeam(s, request, reply, { flash: [{ kind: 'error', message: msg('error.csrf') }] }, 403);
    if (await refusedUnlessOwner(s, request, reply)) return reply;
    const account = accountOf(request);
    const userId = idParam(request);
    const members = await s.auth.account.team.members(account.tenantId);
    const member = members.find((m) => m.id === userId);
    const link = member === undefined ? undefined : await s.auth.account.team.resetLink(account.tenantId, member.id);
    if (member === undefined || link === undefined) return sendErrorPage(s, request, reply, 404, msg('team.not_found'));
    request.log.info({ event: 'reset-link-created', tenantId: account.tenantId, userId: member.id }, 'password reset link created');
    return renderTeam(s, request, reply, { resetLink: { email: member.email, url: s.auth.account.linkUrl('reset', link.token) } });
  });
}
