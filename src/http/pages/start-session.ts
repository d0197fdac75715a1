/**
 * Logs a browser in: ends the session it had (someone logging in as someone else), starts a new
 * one in the database and sets the cookie naming it. Used by log-in and sign-up.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpContext } from '../http-context.js';
import { COOKIE, cookieOptions } from './cookies.js';

export async function startSession(
  hc: Pick<HttpContext, 'sessions' | 'config'>,
  request: FastifyRequest,
  reply: FastifyReply,
  who: { userId: number; tenantId: number },
): Promise<void> {
  if (request.session !== null) await hc.sessions.end(request.session);
  const { cookie, maxAge } = await hc.sessions.start(who);
  reply.setCookie(COOKIE.session, cookie, { ...cookieOptions(hc.config), maxAge });
}
