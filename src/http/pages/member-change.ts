/**
 * What the member routes share: the CSRF and owner checks, the member id, and the answer to a
 * refused change (the last owner, oneself: back to the team page with why; another tenant's: 404).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MemberChangeResult } from '../../tenancy/team.js';
import { msg, type MessageKey } from '../i18n/index.js';
import type { Account } from '../request-state.js';
import { accountOf, formFields, refusedUnlessOwner, renderTeam, sendErrorPage, type AccountDeps } from './account-pages.js';
import { csrfValid } from './csrf-guard.js';
import { redirectWithFlash } from './page-context.js';
import { idParam } from '../product-id-param.js';

export type MemberAction = (account: Account, userId: number, field: (name: string) => string) => Promise<MemberChangeResult>;

export async function memberChange(
  s: AccountDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  action: MemberAction,
  done: MessageKey,
): Promise<FastifyReply> {
  const field = formFields(request);
  if (!csrfValid(request, s.pages.secret, field('_csrf')))
    return renderTeam(s, request, reply, { flash: [{ kind: 'error', message: msg('error.csrf') }] }, 403);
  if (await refusedUnlessOwner(s, request, reply)) return reply;
  const userId = idParam(request);
  const result: MemberChangeResult =
    userId === undefined ? { ok: false, problem: 'not_found' } : await action(accountOf(request), userId, field);
  // An owner who made themselves an editor may no longer see the team page: their settings instead.
  const to = userId === accountOf(request).userId ? '/settings' : '/settings/team';
  if (result.ok) return redirectWithFlash(s.pages, reply, to, { kind: 'success', message: msg(done) });
  if (result.problem === 'not_found') return sendErrorPage(s, request, reply, 404, msg('team.not_found'));
  const why = msg(result.problem === 'last_owner' ? 'team.last_owner' : 'team.self');
  return renderTeam(s, request, reply, { flash: [{ kind: 'error', message: why }] }, 409);
}
