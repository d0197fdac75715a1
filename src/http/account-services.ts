/**
 * What the settings, team, invitation and reset pages call (`auth.account`): the tenancy
 * functions with the database, the password hasher and the clock bound, and the session cache
 * told about every change, so this instance shows it on the very next page (others within 5 s).
 *
 * @example
 *   const account = accountServices({ db, sessions, passwords, appUrl, now });
 *   const { token } = await account.team.invite(42, 7, 'editor');
 *   account.linkUrl('invite', token);   // "https://shop.example/invite/…"
 */
import type { Db, UserRole } from '../db/schema.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeySummary } from '../tenancy/api-keys.js';
import { changePassword, type ChangePasswordResult } from '../tenancy/change-password.js';
import { acceptInvite, createInvite, inviteState, type AcceptResult, type InviteState } from '../tenancy/invitations.js';
import { deleteInvite, listOpenInvites, type LinkKind } from '../tenancy/one-time-links.js';
import type { PasswordHashing } from '../tenancy/password-hashing.js';
import { createResetLink, resetPassword, resetState, type ResetResult, type ResetState } from '../tenancy/password-reset.js';
import type { SessionStore } from '../tenancy/session-store.js';
import { updateShopSettings, type ShopSettings } from '../tenancy/shop-settings.js';
import { changeRole, isMember, isOwner, listMembers, removeMember, type Member, type MemberChangeResult } from '../tenancy/team.js';

export interface PendingInvite {
  readonly id: number;
  readonly role: UserRole;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface AccountServices {
  /** Saves the shop's name, currency and language; the shop's sessions show them at once here. */
  updateShop(tenantId: number, settings: ShopSettings): Promise<void>;
  /** The current password, then the new one; ends the user's other sessions. */
  changePassword(
    who: { userId: number; sessionId: string },
    input: { current: string; password: string; confirm: string },
  ): Promise<ChangePasswordResult>;
  readonly apiKeys: {
    list(tenantId: number): Promise<ApiKeySummary[]>;
    /** @throws AppError Unprocessable (a name of 1 to 100 characters is needed) */
    create(tenantId: number, name: string): Promise<{ id: number; prefix: string; token: string }>;
    /** False for another tenant's key, a revoked one or none. */
    revoke(tenantId: number, id: number): Promise<boolean>;
  };
  /**
   * Whether the user is an owner as the database says now: another instance's account cache
   * may call someone an owner for up to 5 s after they were made an editor here.
   */
  isOwner(tenantId: number, userId: number): Promise<boolean>;
  readonly team: {
    members(tenantId: number): Promise<Member[]>;
    pendingInvites(tenantId: number): Promise<PendingInvite[]>;
    /** Undefined when the shop has as many open invitations as it may (MAX_OPEN_INVITES). */
    invite(tenantId: number, invitedBy: number, role: UserRole): Promise<{ token: string; expiresAt: Date } | undefined>;
    /** False for another tenant's invitation, a used one or none. */
    revokeInvite(tenantId: number, id: number): Promise<boolean>;
    remove(tenantId: number, actorId: number, userId: number): Promise<MemberChangeResult>;
    changeRole(tenantId: number, actorId: number, userId: number, role: UserRole): Promise<MemberChangeResult>;
    /** A reset link for a member of this tenant; undefined for anyone else. */
    resetLink(tenantId: number, userId: number): Promise<{ token: string; expiresAt: Date } | undefined>;
  };
  readonly invites: {
    state(token: string): Promise<InviteState>;
    accept(token: string, input: { email: string; password: string; confirm: string }): Promise<AcceptResult>;
  };
  readonly resets: {
    state(token: string): Promise<ResetState>;
    use(token: string, input: { password: string; confirm: string }): Promise<ResetResult>;
  };
  /** The address a person opens: APP_URL + /invite/{token} or /reset/{token}. */
  linkUrl(kind: LinkKind, token: string): string;
}

export function accountServices(deps: {
  db: Db;
  sessions: SessionStore;
  passwords: PasswordHashing;
  appUrl: string;
  now: () => number;
}): AccountServices {
  const { db, sessions, passwords } = deps;
  const now = () => new Date(deps.now());
  const forgetUser = (userId: number) => sessions.forgetAccounts((a) => a.userId === userId);
  return {
    async updateShop(tenantId, settings) {
      await updateShopSettings(db, tenantId, settings);
      sessions.forgetAccounts((a) => a.tenantId === tenantId);
    },
    async changePassword(who, input) {
      const result = await changePassword(db, passwords, who, input);
      if (result.ok) sessions.forgetAccounts((a) => a.userId === who.userId);
      return result;
    },
    isOwner: (tenantId, userId) => isOwner(db, tenantId, userId),
    apiKeys: {
      list: (tenantId) => listApiKeys(db, tenantId),
      create: (tenantId, name) => createApiKey(db, { tenantId, name }),
      revoke: (tenantId, id) => revokeApiKey(db, tenantId, id),
    },
    team: {
      members: (tenantId) => listMembers(db, tenantId),
      async pendingInvites(tenantId) {
        const links = await listOpenInvites(db, tenantId, now());
        return links.map((l) => ({ id: l.id, role: l.role ?? 'editor', createdAt: l.created_at, expiresAt: l.expires_at }));
      },
      invite: (tenantId, invitedBy, role) => createInvite(db, { tenantId, invitedBy, role }, now()),
      revokeInvite: (tenantId, id) => deleteInvite(db, tenantId, id),
      async remove(tenantId, actorId, userId) {
        const result = await removeMember(db, tenantId, { actorId, userId });
        if (result.ok) forgetUser(userId);
        return result;
      },
      async changeRole(tenantId, actorId, userId, role) {
        const result = await changeRole(db, tenantId, { actorId, userId, role });
        if (result.ok) forgetUser(userId);
        return result;
      },
      async resetLink(tenantId, userId) {
        if (!(await isMember(db, tenantId, userId))) return undefined;
        return createResetLink(db, { tenantId, userId }, now());
      },
    },
    invites: {
      state: (token) => inviteState(db, token, now()),
      accept: (token, input) => acceptInvite(db, passwords, token, input, now()),
    },
    resets: {
      state: (token) => resetState(db, token, now()),
      async use(token, input) {
        const result = await resetPassword(db, passwords, token, input, now());
        if (result.ok) forgetUser(result.userId);
        return result;
      },
    },
    linkUrl: (kind, token) => new URL(`/${kind}/${token}`, deps.appUrl).toString(),
  };
}
