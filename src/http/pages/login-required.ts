/**
 * preHandler for pages that need a logged-in person: loads the account the session names (one
 * query, or none when the same account asked within the last few seconds: tenancy/
 * recent-accounts.ts) into `request.account`, or sends the browser to /login and back afterwards.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { RecentAccounts } from '../../tenancy/recent-accounts.js';
import { findAccount } from '../../tenancy/users.repository.js';
import { COOKIE, cookieOptions } from './cookies.js';

/** How long a looked-up account is taken as it was. */
const ACCOUNT_TTL_MS = 5000;

export function loginRequired(rt: Runtime): preHandlerAsyncHookHandler {
  const options = cookieOptions(rt.config);
  const accounts = new RecentAccounts((who) => findAccount(rt.db, who), { ttlMs: ACCOUNT_TTL_MS });
  return async function requireLogin(request: FastifyRequest, reply: FastifyReply) {
    const account = request.session === null ? undefined : await accounts.get(request.session);
    if (account !== undefined) {
      request.account = account;
      return;
    }
    // A valid cookie for a user that no longer exists is dropped, not trusted.
    if (request.session !== null) reply.clearCookie(COOKIE.session, options);
    const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
    return reply.redirect(`/login${next}`, 302);
  };
}

/** A `next` target that stays on this site (a path, never `//host` or a scheme). */
export function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\/(?![/\\])[^\s]*$/.test(value) || value.length > 500) return undefined;
  return value;
}
