import type { FastifyInstance } from 'fastify';
import type { AccountDeps } from '../pages/account-pages.js';
import { memberChange } from '../pages/member-change.js';

/**
 * POST /settings/team/members/{id}/remove (_csrf), owners only → the member is deleted and
 * their sessions end at once (on this instance; on others within 5 s). Not oneself, not the
 * last owner (409, the team page saying why); another tenant's member → 404.
 */
export default async function teamMemberRemove(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.post('/settings/team/members/:id/remove', { preHandler: s.auth.requireLogin }, async (request, reply) =>
    memberChange(
      s,
      request,
      reply,
      (account, userId) => s.auth.account.team.remove(account.tenantId, account.userId, userId),
      'team.removed',
    ),
  );
}
