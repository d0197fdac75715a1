import type { FastifyInstance } from 'fastify';
import type { AccountDeps } from '../pages/account-pages.js';
import { memberChange } from '../pages/member-change.js';

/** POST /settings/team/members/{id}/role (role, _csrf), owners only → the new role (the last owner stays one); 302 to the team page. */
export default async function teamMemberRole(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings/team/members/:id/role', { preHandler: s.auth.requireLogin }, async (request, reply) =>
    memberChange(
      s,
      request,
      reply,
      (account, userId, field) =>
        s.auth.account.team.changeRole(account.tenantId, account.userId, userId, field('role') === 'owner' ? 'owner' : 'editor'),
      'team.role_changed',
    ),
  );
}
