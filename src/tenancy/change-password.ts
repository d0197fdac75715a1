/**
 * A logged-in person changes their own password: the current one first, then the new one
 * (checked as everywhere, new-password.ts). Every other session of theirs ends with it, in the
 * same transaction; the browser that made the change stays logged in.
 *
 * @example
 *   await changePassword(db, passwords, { userId: 7, sessionId }, { current, password, confirm });   // { ok: true, sessionsEnded: 2 }
 */
import type { Db } from '../db/schema.js';
import { checkNewPassword, type NewPasswordProblem } from './new-password.js';
import { MAX_PASSWORD_LENGTH } from './password.js';
import type { PasswordHashing } from './password-hashing.js';
import { deleteOtherSessions } from './sessions.repository.js';
import { setPasswordHash } from './users.repository.js';

export type ChangePasswordResult =
  | { ok: true; sessionsEnded: number }
  | { ok: false; field: 'current'; problem: 'current_wrong' }
  | { ok: false; field: 'password' | 'confirm'; problem: NewPasswordProblem };

export async function changePassword(
  db: Db,
  passwords: PasswordHashing,
  who: { userId: number; sessionId: string },
  input: { current: string; password: string; confirm: string },
): Promise<ChangePasswordResult> {
  const problem = checkNewPassword(input.password, input.confirm);
  if (problem !== undefined) return { ok: false, field: problem === 'password_mismatch' ? 'confirm' : 'password', problem };
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', who.userId).executeTakeFirst();
  // Longer than any password: wrong without a hash.
  const check =
    input.current.length > MAX_PASSWORD_LENGTH || input.current === ''
      ? { ok: false }
      : await passwords.verify(input.current, user?.password_hash);
  if (user === undefined || !check.ok) return { ok: false, field: 'current', problem: 'current_wrong' };
  const hash = await passwords.hash(input.password);
  return db.transaction().execute(async (trx) => {
    // Only over the hash just verified: a change made meanwhile elsewhere is not overwritten.
    if (!(await setPasswordHash(trx, who.userId, hash, user.password_hash)))
      return { ok: false, field: 'current', problem: 'current_wrong' } as const;
    return { ok: true, sessionsEnded: await deleteOtherSessions(trx, who.userId, who.sessionId) } as const;
  });
}
