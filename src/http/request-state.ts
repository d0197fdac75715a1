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
  });
}

export function isLoggedIn(request: FastifyRequest): boolean {
  return request.session !== null;
}
