/**
 * Invitations to a shop: an owner makes a one-time link (one-time-links.ts) for a role; whoever
 * opens it within 7 days gives an email and a password and becomes a member with that role,
 * once. A used, expired or unknown link creates nobody.
 *
 * @example
 *   const { token } = await createInvite(db, { tenantId: 42, invitedBy: 7, role: 'editor' }, new Date());
 *   await acceptInvite(db, passwords, token, { email: 'eva@acme.test', password, confirm: password }, new Date());
 */
import { isUniqueViolation } from '../db/pg-errors.js';
import type { Db, User, UserRole } from '../db/schema.js';
import { isEmailAddress } from './email-address.js';
import { checkNewPassword, type NewPasswordProblem } from './new-password.js';
import { countOpenInvites, insertLink, linkState, MAX_OPEN_INVITES, newLinkToken, useLink } from './one-time-links.js';
import type { PasswordHashing } from './password-hashing.js';
import { getTenant } from './tenants.repository.js';
import { findUserByEmail, insertUser } from './users.repository.js';

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

/** A new invitation; undefined when the shop has {@link MAX_OPEN_INVITES} open already (revoke some first). */
export async function createInvite(
  db: Db,
  input: { tenantId: number; invitedBy: number; role: UserRole },
  now: Date,
): Promise<{ id: number; token: string; expiresAt: Date } | undefined> {
  if ((await countOpenInvites(db, input.tenantId, now)) >= MAX_OPEN_INVITES) return undefined;
  const { token, hash } = newLinkToken();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  const link = await insertLink(db, {
    kind: 'invite',
    tenantId: input.tenantId,
    userId: input.invitedBy,
    role: input.role,
    hash,
    now,
    expiresAt,
  });
  return { id: link.id, token, expiresAt };
}

/** What the invitation page shows: the shop's name and the role, or why the link is no good. */
export type InviteState = { status: 'open'; tenantName: string; role: UserRole } | { status: 'expired' | 'used' | 'unknown' };

export async function inviteState(db: Db, token: string, now: Date): Promise<InviteState> {
  const state = await linkState(db, 'invite', token, now);
  if (state.status !== 'open') return state;
  const tenant = await getTenant(db, state.link.tenant_id);
  if (tenant === undefined) return { status: 'unknown' };
  return { status: 'open', tenantName: tenant.name, role: state.link.role ?? 'editor' };
}

export type AcceptProblem =
  { field: 'email'; problem: 'email_invalid' | 'email_taken' } | { field: 'password' | 'confirm'; problem: NewPasswordProblem };

export type AcceptResult =
  | { ok: true; user: User }
  | { ok: false; gone: 'expired' | 'used' | 'unknown' }
  | { ok: false; gone?: undefined; problems: AcceptProblem[] };

/**
 * Creates the invited member and uses the link, in one transaction: a link used meanwhile (two
 * tabs) creates nobody the second time. An email that already has an account is refused before
 * the password is hashed.
 */
export async function acceptInvite(
  db: Db,
  passwords: PasswordHashing,
  token: string,
  input: { email: string; password: string; confirm: string },
  now: Date,
): Promise<AcceptResult> {
  const state = await linkState(db, 'invite', token, now);
  if (state.status !== 'open') return { ok: false, gone: state.status };
  const problems: AcceptProblem[] = [];
  const email = input.email.trim();
  if (!isEmailAddress(email)) problems.push({ field: 'email', problem: 'email_invalid' });
  const passwordProblem = checkNewPassword(input.password, input.confirm);
  if (passwordProblem !== undefined)
    problems.push({ field: passwordProblem === 'password_mismatch' ? 'confirm' : 'password', problem: passwordProblem });
  if (problems.length === 0 && (await findUserByEmail(db, email)) !== undefined) problems.push({ field: 'email', problem: 'email_taken' });
  if (problems.length > 0) return { ok: false, problems };
  const passwordHash = await passwords.hash(input.password);
  const { link } = state;
  try {
    return await db.transaction().execute(async (trx): Promise<AcceptResult> => {
      if (!(await useLink(trx, link.id, now))) return { ok: false, gone: 'used' };
      const user = await insertUser(trx, { tenantId: link.tenant_id, email, passwordHash, role: link.role ?? 'editor' });
      return { ok: true, user };
    });
  } catch (err) {
    // The same email signed up meanwhile: the transaction (and the link's use) is undone.
    if (isUniqueViolation(err, 'users_email_key')) return { ok: false, problems: [{ field: 'email', problem: 'email_taken' }] };
    throw err;
  }
}
