import type { FastifyInstance } from 'fastify';
import { renderSettings, type AccountDeps } from '../pages/account-pages.js';

/** GET /settings: the shop (owners change it), the password, the API keys (owners). */
export default async function settingsPageRoute(app: FastifyInstance, s: AccountDeps): Promise<void> {
  app.get('/settings', { preHandler: s.auth.requireLogin }, async (request, reply) => renderSettings(s, request, reply));
}
