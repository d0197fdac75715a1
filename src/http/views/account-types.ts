/** View models of the settings, team, invitation and reset pages (see types.ts for the shared ones). */
import type { Msg } from '../i18n/index.js';
import type { PageContext } from './types.js';

export type Role = 'owner' | 'editor';

export interface ShopFormValues {
  readonly name: string;
  readonly currency: string;
  /** '' the browser's, 'en' or 'es'. */
  readonly default_locale: string;
}

export type ShopField = keyof ShopFormValues;
export type PasswordField = 'current_password' | 'new_password' | 'confirm_password';

export interface ApiKeyRow {
  readonly id: number;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

export interface SettingsModel {
  readonly page: PageContext;
  readonly role: Role;
  readonly shop: ShopFormValues;
  readonly shopErrors: Partial<Record<ShopField, Msg>>;
  readonly passwordErrors: Partial<Record<PasswordField, Msg>>;
  /** Owners only. */
  readonly apiKeys?:
    | {
        readonly keys: readonly ApiKeyRow[];
        /** The key just created: shown this once. */
        readonly newToken?: string | undefined;
        readonly name: string;
        readonly nameError?: Msg | undefined;
      }
    | undefined;
}

export interface MemberRow {
  readonly id: number;
  readonly email: string;
  readonly role: Role;
  readonly joinedAt: Date;
}

export interface InviteRow {
  readonly id: number;
  readonly role: Role;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface TeamModel {
  readonly page: PageContext;
  readonly shopName: string;
  /** The owner looking at the page. */
  readonly selfId: number;
  readonly members: readonly MemberRow[];
  readonly invites: readonly InviteRow[];
  /** The invitation link just made: shown this once. */
  readonly newInviteUrl?: string | undefined;
  /** The reset link just made for a member: shown this once. */
  readonly resetLink?: { readonly email: string; readonly url: string } | undefined;
}

export type InviteField = 'email' | 'password' | 'confirm';

export interface InviteModel {
  readonly page: PageContext;
  readonly token: string;
  readonly shopName: string;
  readonly role: Role;
  readonly email: string;
  readonly errors: Partial<Record<InviteField, Msg>>;
}

export interface ResetModel {
  readonly page: PageContext;
  readonly token: string;
  readonly errors: Partial<Record<'password' | 'confirm', Msg>>;
}

/** A one-time link that is no good: expired or used (410), unknown (404). */
export interface LinkGoneModel {
  readonly page: PageContext;
  readonly title: string;
  readonly message: string;
}
