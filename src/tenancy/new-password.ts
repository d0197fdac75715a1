/**
 * The one check of a new password and its confirmation (settings, invitation, reset): a code
 * per problem, so each page says it in its own language.
 */
import { MAX_PASSWORD_LENGTH } from './password.js';

export const MIN_NEW_PASSWORD_LENGTH = 8;

export type NewPasswordProblem = 'password_too_short' | 'password_too_long' | 'password_mismatch';

export function checkNewPassword(password: string, confirm: string): NewPasswordProblem | undefined {
  if (password.length < MIN_NEW_PASSWORD_LENGTH) return 'password_too_short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'password_too_long';
  if (password !== confirm) return 'password_mismatch';
  return undefined;
}
