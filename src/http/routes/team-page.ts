import type { FastifyInstance } from 'fastify';
import { refuseEditor, renderTeam, type AccountDeps } from '../pages/account-pages.js';

/** GET /settings/team, owners only (an editor: 403, translated): members, invitations, a new invitation. */
export default async function teamPageRoute(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.get(
    '/settings/team',
    { preHandler: s.auth.requireLogin },
    async (request, reply) => refuseEditor(s, request, reply) ?? renderTeam(s, request, reply),
  );
}
