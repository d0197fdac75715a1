/**
 * preHandler for pages that need a logged-in person: loads the account of the live session the
 * cookie names (one query, or none when the same session asked within the last few seconds:
 * tenancy/session-store.ts) into `request.account`, or sends the browser to /login and back
 * afterwards. A session that has ended (log-out, a password change, sign-out-everywhere) or
 * whose user is gone has its cookie dropped.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../../config.js';
import type { SessionStore } from '../../tenancy/session-store.js';
import type { SessionAccount } from '../../tenancy/sessions.repository.js';
import { COOKIE, cookieOptions } from './cookies.js';

export function loginRequired(config: Pick<Config, 'appUrl'>, sessions: SessionStore): preHandlerAsyncHookHandler {
  const options = cookieOptions(config);
  return async function requireLogin(request: FastifyRequest, reply: FastifyReply) {
    const account = request.session === null ? undefined : await sessions.account(request.session);
    if (account !== undefined) {
      useAccount(request, account);
      return;
    }
    if (request.session !== null) reply.clearCookie(COOKIE.session, options);
    const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
    return reply.redirect(`/login${next}`, 302);
  };
}

/** The request is this person's: their account, and — when this browser picked no language — the shop's default one, before the browser's preference. */
export function useAccount(request: FastifyRequest, account: SessionAccount): void {
  request.account = account;
  const query = request.query as Record<string, unknown> | undefined;
  if (account.defaultLocale !== null && request.cookies[COOKIE.lang] === undefined && query?.lang === undefined)
    request.locale = account.defaultLocale;
}

/** Longer than any URL of ours a person would be sent back to. */
const MAX_NEXT_LENGTH = 500;
/** Printable ASCII only ('!' to '~'): what a Location header carries as it is, without control characters or spaces. */
const PRINTABLE = /^[\x21-\x7e]*$/;

/** C0 and C1 control characters (and DEL), which no path we send anyone to contains. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * A `next` target that stays on this site: a path (one '/', never `//host`, `/\host` or a
 * scheme) of printable ASCII at most 500 characters long, that still has no control character
 * once its %-escapes are decoded and can be sent in a Location header as it is. Anything else
 * is undefined (the caller goes to /products): `next=/%01x` used to make the redirect throw.
 */
export function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_NEXT_LENGTH || !PRINTABLE.test(value)) return undefined;
  if (value[0] !== '/' || value[1] === '/' || value[1] === '\\') return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return undefined;
  }
  if (hasControlCharacter(decoded) || decoded[1] === '/' || decoded[1] === '\\') return undefined;
  return value;
}
