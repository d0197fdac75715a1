/**
 * Password resets without a mail server: an owner (team page) or an operator (`vitrina user
 * reset-link`) makes a one-time link for one user and hands it over. It expires (1 h unless
 * said otherwise), works once, and a newer link for the same user replaces the older ones.
 * Using it sets the password and ends every session of the user.
 *
 * @example
 *   const { token } = await createResetLink(db, { tenantId: 42, userId: 9 }, new Date());
 *   await resetPassword(db, passwords, token, { password, confirm: password }, new Date());   // { ok: true, userId: 9, … }
 */
import type { Db } from '../db/schema.js';
import { checkNewPassword, type NewPasswordProblem } from './new-password.js';
import { deleteOpenResets, insertLink, linkState, newLinkToken, useLink } from './one-time-links.js';
import type { PasswordHashing } from './password-hashing.js';
import { deleteUserSessions } from './sessions.repository.js';
import { findUserByEmail, setPasswordHash } from './users.repository.js';

export const RESET_TTL_MS = 3600 * 1000;

/** A new reset link for this user of this tenant; the user's older unused links stop working. */
export async function createResetLink(
  db: Db,
  who: { tenantId: number; userId: number },
  now: Date,
  ttlMs = RESET_TTL_MS,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newLinkToken();
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.transaction().execute(async (trx) => {
    await deleteOpenResets(trx, who.userId);
    await insertLink(trx, { kind: 'reset', tenantId: who.tenantId, userId: who.userId, hash, now, expiresAt });
  });
  return { token, expiresAt };
}

export type ResetState = { status: 'open' } | { status: 'expired' | 'used' | 'unknown' };

export async function resetState(db: Db, token: string, now: Date): Promise<ResetState> {
  const state = await linkState(db, 'reset', token, now);
  return state.status === 'open' ? { status: 'open' } : state;
}

export type ResetResult =
  | { ok: true; userId: number; sessionsEnded: number }
  | { ok: false; gone: 'expired' | 'used' | 'unknown' }
  | { ok: false; gone?: undefined; field: 'password' | 'confirm'; problem: NewPasswordProblem };

/** Sets the new password, ends every session of the user and uses the link, in one transaction. */
export async function resetPassword(
  db: Db,
  passwords: PasswordHashing,
  token: string,
  input: { password: string; confirm: string },
  now: Date,
): Promise<ResetResult> {
  const state = await linkState(db, 'reset', token, now);
  if (state.status !== 'open') return { ok: false, gone: state.status };
  const problem = checkNewPassword(input.password, input.confirm);
  if (problem !== undefined) return { ok: false, field: problem === 'password_mismatch' ? 'confirm' : 'password', problem };
  const { link } = state;
  const userId = link.user_id;
  if (userId === null) return { ok: false, gone: 'unknown' };
  const hash = await passwords.hash(input.password);
  return db.transaction().execute(async (trx): Promise<ResetResult> => {
    if (!(await useLink(trx, link.id, now))) return { ok: false, gone: 'used' };
    await setPasswordHash(trx, userId, hash);
    return { ok: true, userId, sessionsEnded: await deleteUserSessions(trx, userId) };
  });
}

/** A reset link for the user with this email (the operator's `vitrina user reset-link`); undefined when there is none. */
export async function createResetLinkForEmail(
  db: Db,
  email: string,
  now: Date,
  ttlMs = RESET_TTL_MS,
): Promise<{ token: string; expiresAt: Date } | undefined> {
  const user = await findUserByEmail(db, email);
  if (user === undefined) return undefined;
  return createResetLink(db, { tenantId: user.tenant_id, userId: user.id }, now, ttlMs);
}
