/**
 * What the invitation and reset pages share: the token in the path, and the page for a link
 * that is no good (410 for an expired or used one, 404 for one we never made).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { linkGonePage } from '../views/reset.js';
import { pageContext, sendPage, type PageDeps } from './page-context.js';

/** The token as given (the service checks its shape before any look-up; the router bounds its length). */
export function tokenParam(request: FastifyRequest): string {
  return (request.params as { token?: string }).token ?? '';
}

export function sendLinkGone(
  pages: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: 'invite' | 'reset',
  why: 'expired' | 'used' | 'unknown',
): FastifyReply {
  const page = pageContext(pages, request, reply);
  const title = t(page.locale, kind === 'invite' ? 'invite.gone_title' : 'reset.gone_title');
  const message = t(page.locale, `${kind}.${why}`);
  return sendPage(reply, linkGonePage({ page, title, message }), why === 'unknown' ? 404 : 410);
}
