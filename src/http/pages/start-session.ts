/**
 * Logs a browser in: ends the session it had (someone logging in as someone else), starts a new
 * one in the database and sets the cookie naming it. Used by log-in and sign-up.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { SessionStore } from '../../tenancy/session-store.js';
import { COOKIE, cookieOptions } from './cookies.js';

export async function startSession(
  deps: { sessions: SessionStore; config: Pick<Config, 'appUrl'> },
  request: FastifyRequest,
  reply: FastifyReply,
  who: { userId: number; tenantId: number },
): Promise<void> {
  if (request.session !== null) await deps.sessions.end(request.session);
  const { cookie, maxAge } = await deps.sessions.start(who);
  reply.setCookie(COOKIE.session, cookie, { ...cookieOptions(deps.config), maxAge });
}
