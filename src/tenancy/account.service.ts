/**
 * What an operator does to a user's access (`vitrina user …`): set a new password, or end every
 * session. Both end all of the user's sessions at once in the database; each instance that
 * still holds one of them in its 5 s account cache refuses it when that runs out.
 *
 * @example
 *   await setPassword(db, 'ana@acme.test', 'a new long password');   // { userId, sessionsEnded }
 *   await signOutEverywhere(db, 'ana@acme.test');                    // { userId, sessionsEnded }
 */
import type { Db } from '../db/schema.js';
import { AppError } from '../errors.js';
import { DEFAULT_SCRYPT, MAX_PASSWORD_LENGTH } from './password.js';
import { PasswordHashing } from './password-hashing.js';
import { deleteUserSessions } from './sessions.repository.js';
import { MIN_PASSWORD_LENGTH } from './tenancy.service.js';
import { findUserByEmail, setPasswordHash } from './users.repository.js';

export interface SessionsEnded {
  readonly userId: number;
  readonly sessionsEnded: number;
}

/** One line saying what is wrong with a new password, or undefined when it will do. */
export function newPasswordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use a password of at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Keep the password under ${MAX_PASSWORD_LENGTH} characters.`;
  return undefined;
}

async function userByEmail(db: Db, email: string) {
  const user = await findUserByEmail(db, email);
  if (user === undefined) throw new AppError('NotFound', `There is no user with the email ${email.trim().toLowerCase()}.`);
  return user;
}

/** A new password for the user with this email, and the end of all their sessions, in one transaction. */
export async function setPassword(
  db: Db,
  email: string,
  password: string,
  options: { passwords?: PasswordHashing } = {},
): Promise<SessionsEnded> {
  const problem = newPasswordProblem(password);
  if (problem !== undefined) throw new AppError('Unprocessable', problem);
  const user = await userByEmail(db, email);
  const hash = await (options.passwords ?? new PasswordHashing(DEFAULT_SCRYPT)).hash(password);
  return db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, user.id, hash);
    return { userId: user.id, sessionsEnded: await deleteUserSessions(trx, user.id) };
  });
}

/** Ends every session of the user with this email. */
export async function signOutEverywhere(db: Db, email: string): Promise<SessionsEnded> {
  const user = await userByEmail(db, email);
  return { userId: user.id, sessionsEnded: await deleteUserSessions(db, user.id) };
}
