/**
 * CSRF tokens for the pages' forms (the hidden `_csrf` field). A logged-in browser's tokens
 * are bound to its session; before log-in, to a random id in a cookie set on first need.
 * See tenancy/csrf.ts for the token itself.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { issueCsrf, newPreSessionId, preSessionBinding, sessionBinding, verifyCsrf } from '../../tenancy/csrf.js';
import { COOKIE, type cookieOptions } from './cookies.js';

function binding(request: FastifyRequest): string | undefined {
  if (request.session !== null) return sessionBinding(request.session);
  const pre = request.cookies[COOKIE.preSession];
  return pre === undefined ? undefined : preSessionBinding(pre);
}

/** A fresh token for a form on this response (sets the pre-session cookie when needed). */
export function csrfTokenFor(
  request: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  options: ReturnType<typeof cookieOptions>,
): string {
  let bound = binding(request);
  if (bound === undefined) {
    const id = newPreSessionId();
    reply.setCookie(COOKIE.preSession, id, options);
    // Later calls while rendering this response must bind to the same id.
    request.cookies[COOKIE.preSession] = id;
    bound = preSessionBinding(id);
  }
  return issueCsrf(secret, bound);
}

export function csrfValid(request: FastifyRequest, secret: string, token: unknown): boolean {
  const bound = binding(request);
  return bound !== undefined && verifyCsrf(secret, bound, token);
}
