/**
 * What the settings and team routes share: who may (owners for the shop, members and keys),
 * the ids and tokens in their paths, and the one way each page is rendered — with the values
 * and errors of a refused form, or a secret just made to show once.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../http-context.js';
import { msg, type Msg } from '../i18n/index.js';
import type { Account } from '../request-state.js';
import type { SettingsModel, ShopFormValues, TeamModel } from '../views/account-types.js';
import { errorPage } from '../views/error-page.js';
import { settingsPage } from '../views/settings.js';
import { teamPage } from '../views/team.js';
import type { Flash } from '../views/types.js';
import { pageContext, sendPage } from './page-context.js';

export type AccountDeps = Pick<Services, 'auth' | 'pages'>;

/** The logged-in account (routes behind `requireLogin` only). */
export function accountOf(request: FastifyRequest): Account {
  if (request.account === null) throw new Error('accountOf: the route must run behind requireLogin');
  return request.account;
}

/** A translated error page (403, 404) from a route of these pages. */
export function sendErrorPage(
  s: Pick<Services, 'pages'>,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: Msg,
): FastifyReply {
  return sendPage(reply, errorPage({ page: pageContext(s.pages, request, reply), status, message }), status);
}

/** Undefined for an owner; an editor gets the 403 page (sent) and the route stops. */
export function refuseEditor(s: Pick<Services, 'pages'>, request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  if (accountOf(request).role === 'owner') return undefined;
  return sendErrorPage(s, request, reply, 403, msg('team.forbidden'));
}

/**
 * For a change only an owner makes: {@link refuseEditor}, then the role as the database has it
 * now. Another instance may have made this owner an editor within the account cache's 5 s, and
 * such a change (a reset link for another owner, a new owner invitation, an API key) must not
 * slip through that window. False for an owner; true when the 403 page was sent (the route
 * returns `reply`). A boolean, not the reply: a FastifyReply is thenable, so an async function
 * resolving to one resolves to undefined once it is sent, and the route would carry on.
 */
export async function refusedUnlessOwner(s: AccountDeps, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (refuseEditor(s, request, reply) !== undefined) return true;
  const account = accountOf(request);
  if (await s.auth.account.isOwner(account.tenantId, account.userId)) return false;
  sendErrorPage(s, request, reply, 403, msg('team.forbidden'));
  return true;
}

/** The form fields as strings; anything else (absent, repeated) is ''. */
export function formFields(request: FastifyRequest): (name: string) => string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return (name) => {
    const value = body[name];
    return typeof value === 'string' ? value : '';
  };
}

export interface SettingsState {
  shop?: ShopFormValues;
  shopErrors?: SettingsModel['shopErrors'];
  passwordErrors?: SettingsModel['passwordErrors'];
  keyName?: string;
  keyNameError?: Msg;
  newToken?: string;
  flash?: readonly Flash[];
}

export async function renderSettings(
  s: AccountDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  state: SettingsState = {},
  status = 200,
): Promise<FastifyReply> {
  const account = accountOf(request);
  // Also the answer to a post (/settings/api-keys, …): its language switch and menu are the page's own address's.
  const page = { ...pageContext(s.pages, request, reply, state.flash), path: '/settings' };
  const keys = account.role === 'owner' ? await s.auth.account.apiKeys.list(account.tenantId) : undefined;
  const model: SettingsModel = {
    page,
    role: account.role,
    shop: state.shop ?? { name: account.tenantName, currency: account.currency, default_locale: account.defaultLocale ?? '' },
    shopErrors: state.shopErrors ?? {},
    passwordErrors: state.passwordErrors ?? {},
    apiKeys:
      keys === undefined
        ? undefined
        : {
            keys: keys
              .filter((k) => k.revoked_at === null)
              .map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.created_at, lastUsedAt: k.last_used_at })),
            newToken: state.newToken,
            name: state.keyName ?? '',
            nameError: state.keyNameError,
          },
  };
  return sendPage(reply, settingsPage(model), status);
}

export interface TeamState {
  newInviteUrl?: string;
  resetLink?: { email: string; url: string };
  flash?: readonly Flash[];
}

export async function renderTeam(
  s: AccountDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  state: TeamState = {},
  status = 200,
): Promise<FastifyReply> {
  const account = accountOf(request);
  // Owners only, whatever led here: a refused post (a stale CSRF token) shows an editor no member or invitation either.
  const refused = refuseEditor(s, request, reply);
  if (refused !== undefined) return refused;
  const [members, invites] = await Promise.all([
    s.auth.account.team.members(account.tenantId),
    s.auth.account.team.pendingInvites(account.tenantId),
  ]);
  const model: TeamModel = {
    page: { ...pageContext(s.pages, request, reply, state.flash), path: '/settings/team' },
    shopName: account.tenantName,
    selfId: account.userId,
    members,
    invites,
    newInviteUrl: state.newInviteUrl,
    resetLink: state.resetLink,
  };
  return sendPage(reply, teamPage(model), status);
}
