/**
 * What every request carries once it is read: the page language and the session its cookie
 * names, signature checked (or none). Both come from the request alone (cookies, headers,
 * query), so any instance can serve any request; whether the session is still live (not
 * logged out) is the database's answer, asked by `loginRequired` and the log-in page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { negotiateLocale, type Locale } from './i18n/index.js';
import type { SessionAccount } from '../tenancy/sessions.repository.js';
import { verifySession, type Session } from '../tenancy/session.js';
import { COOKIE, cookieOptions } from './pages/cookies.js';
import { safeNext } from './pages/login-required.js';

/** The logged-in person, loaded once per request by `loginRequired`. */
export type Account = SessionAccount;

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    session: Session | null;
    account: Account | null;
  }
}

const YEAR = 365 * 24 * 3600;

/**
 * Sent by public/app.js's enhanced form on its POST, and kept by the browser on the GET of the
 * redirect it follows: that page is only looked at (its address), then loaded for real, so it
 * leaves the one-time flash for the real load.
 */
export const ENHANCED_HEADER = 'x-vitrina-enhanced';

/** The pages' own paths; the API, media and static files never see the language switch. */
const NOT_PAGES = /^\/(?:api|media|assets)(?:\/|$)/;

/**
 * Where a GET with `?lang=` goes once the choice is in the cookie: the same path and query
 * without `lang`, so the address bar (and a bookmark) carries no language. Undefined when the
 * request is not a page's GET or the address is not one we send people to (too long, `//host`).
 */
export function withoutLang(method: string, url: string): string | undefined {
  if ((method !== 'GET' && method !== 'HEAD') || url.length > 2000) return undefined;
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  const path = url.slice(0, q);
  if (NOT_PAGES.test(path)) return undefined;
  const params = new URLSearchParams(url.slice(q + 1));
  if (!params.has('lang')) return undefined;
  params.delete('lang');
  // The path is checked as a `next` is (on this site, printable, no `//host`); the query is
  // re-encoded by URLSearchParams (printable ASCII only), so a long search — 200 accented
  // letters are 1,200 characters escaped, past `next`'s 500 — still loses its `lang`.
  if (safeNext(path) === undefined) return undefined;
  const query = params.toString();
  return query === '' ? path : `${path}?${query}`;
}

export function registerRequestState(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('locale', 'en');
  app.decorateRequest('session', null);
  app.decorateRequest('account', null);
  const options = cookieOptions(ctx.config);
  app.addHook('onRequest', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const lang = typeof query.lang === 'string' ? query.lang : undefined;
    request.locale = negotiateLocale(request.headers['accept-language'], request.cookies[COOKIE.lang], lang);
    // The language switch is a plain link: remember the choice for the pages that follow.
    if (lang !== undefined && lang.toLowerCase().startsWith(request.locale)) {
      reply.setCookie(COOKIE.lang, request.locale, { ...options, maxAge: YEAR });
    }
    request.session = verifySession(ctx.secret, request.cookies[COOKIE.session]) ?? null;
    if (request.headers[ENHANCED_HEADER] !== undefined && request.method === 'GET') delete request.cookies[COOKIE.flash];
    if (lang !== undefined) {
      const target = withoutLang(request.method, request.url);
      if (target !== undefined) return reply.redirect(target, 303);
    }
  });
}

export function isLoggedIn(request: FastifyRequest): boolean {
  return request.session !== null;
}
