/** The parts every rendered page shares, and the one way pages are sent. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Flash, PageContext } from '../views/types.js';
import { cookieOptions } from './cookies.js';
import { csrfTokenFor } from './csrf-guard.js';
import { setFlash, takeFlash } from './flash.js';

/** What the pages' cookies, CSRF tokens and flashes need: the app's URL (https or not) and the secret they are signed with. */
export interface PageDeps {
  readonly config: Pick<Config, 'appUrl'>;
  readonly secret: string;
}

/** Language, a CSRF token for the page's forms, who is logged in, and the flashes to show. */
export function pageContext(ctx: PageDeps, request: FastifyRequest, reply: FastifyReply, flash: readonly Flash[] = []): PageContext {
  const options = cookieOptions(ctx.config);
  const account = request.account;
  return {
    locale: request.locale,
    csrfToken: csrfTokenFor(request, reply, ctx.secret, options),
    session:
      account === null ? null : { email: account.email, tenantName: account.tenantName, role: account.role, currency: account.currency },
    flash: [...takeFlash(request, reply, ctx.secret, options), ...flash],
    // The language switch links back here; a page answered to a post (a refused form) has no
    // address of its own to go back to, so its switch leads home (which leads on to the list).
    path: request.method === 'GET' || request.method === 'HEAD' ? request.url : '/',
  };
}

/** Pages are per person and per moment: never cached, never framed. */
export function sendPage(reply: FastifyReply, document: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(document);
}

/** A redirect after a successful post, with a flash for the page it leads to (post/redirect/get). */
export function redirectWithFlash(ctx: PageDeps, reply: FastifyReply, location: string, flash: Flash): FastifyReply {
  setFlash(reply, ctx.secret, cookieOptions(ctx.config), [flash]);
  return reply.redirect(location, 302);
}
