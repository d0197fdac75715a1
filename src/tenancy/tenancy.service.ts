/**
 * Sign-up and log-in. Sign-up creates a tenant and its first user in one transaction, so a
 * failure (a taken email) leaves no tenant behind.
 *
 * @example
 *   const { tenant, user } = await signUp(db, { tenantName: 'Acme', email: 'a@acme.test', password: 's3cret-pass' });
 *   const who = await authenticate(db, 'a@acme.test', 's3cret-pass');   // the user, or undefined
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isUniqueViolation } from '../db/pg-errors.js';
import type { Db, Tenant, User } from '../db/schema.js';
import { AppError, isAppError } from '../errors.js';
import { isEmailAddress, MAX_EMAIL_LENGTH } from './email-address.js';
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams } from './password.js';
import { PasswordHashing } from './password-hashing.js';
import { DEFAULT_CURRENCY, isCurrencyCode } from '../catalog/currency.js';
import { findTenantBySlug, insertTenant } from './tenants.repository.js';
import { findUserByEmail, insertUser, normalizeEmail, setPasswordHash } from './users.repository.js';

export const MIN_PASSWORD_LENGTH = 8;

const signUpInput = z.object({
  tenantName: z.string().trim().min(1, 'Enter a company or store name.').max(100, 'Keep the name under 100 characters.'),
  email: z
    .string()
    .trim()
    .max(MAX_EMAIL_LENGTH, 'That email address is too long.')
    .refine(isEmailAddress, 'Enter a valid email address, such as ana@example.com.'),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Use a password of at least ${MIN_PASSWORD_LENGTH} characters.`)
    .max(200, 'Keep the password under 200 characters.'),
  currency: z.string().refine(isCurrencyCode, 'Choose a currency from the list (an ISO 4217 code such as EUR).').optional(),
});

export interface SignUpInput {
  tenantName: string;
  email: string;
  password: string;
  /** The shop's ISO 4217 currency; left out: USD. */
  currency?: string | undefined;
}

/** The first problem with the input as one line for people, or undefined when it is fine. */
export function signUpProblem(input: SignUpInput): string | undefined {
  const parsed = signUpInput.safeParse(input);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    // Runs are single dashes by now, so one dash at each end is all there is to trim.
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-$/, '');
  return slug === '' ? 'store' : slug;
}

const emailTaken = (email: string, cause?: unknown) =>
  new AppError('Conflict', `An account with the email ${email} already exists. Log in instead, or use another email.`, { cause });

/**
 * Creates a tenant and its first user. Bad input → Unprocessable; an email already registered →
 * Conflict, found before the password is hashed (a taken email must not cost a hash); with
 * `passwords`, Unavailable when the hasher's waiting room is half full (it hashes as a sign-up).
 */
export async function signUp(
  db: Db,
  input: SignUpInput,
  options: { scrypt?: ScryptParams; passwords?: PasswordHashing } = {},
): Promise<{ tenant: Tenant; user: User }> {
  const problem = signUpProblem(input);
  if (problem !== undefined) throw new AppError('Unprocessable', problem);
  const email = normalizeEmail(input.email);
  if ((await findUserByEmail(db, email)) !== undefined) throw emailTaken(email);
  const passwordHash =
    options.passwords !== undefined
      ? await options.passwords.hash(input.password, { signUp: true })
      : await hashPassword(input.password, options.scrypt);
  const base = slugify(input.tenantName);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        // A taken slug gets a random suffix; checking first keeps the transaction free of a failed insert.
        const taken = attempt > 0 || (await findTenantBySlug(trx, base)) !== undefined;
        const slug = taken ? `${base}-${randomBytes(3).toString('hex')}` : base;
        const tenant = await insertTenant(trx, { name: input.tenantName.trim(), slug, currency: input.currency ?? DEFAULT_CURRENCY });
        const user = await insertUser(trx, { tenantId: tenant.id, email, passwordHash });
        return { tenant, user };
      });
    } catch (err) {
      // The same email signed up meanwhile.
      if (isUniqueViolation(err, 'users_email_key')) throw emailTaken(email, err);
      // Two sign-ups with the same name at the same moment: the loser retries with a suffix.
      if (isUniqueViolation(err, 'tenants_slug_key') && attempt < 3) continue;
      throw err;
    }
  }
}

/**
 * The user with this email and password, or undefined; takes as long for an unknown email as for
 * a wrong password. A password that matched a hash made with other scrypt parameters (an older,
 * weaker N) is hashed again with today's. Unavailable when too many hashes are already waiting.
 */
export async function authenticate(
  db: Db,
  email: string,
  password: string,
  options: { passwords?: PasswordHashing } = {},
): Promise<User | undefined> {
  const passwords = options.passwords ?? new PasswordHashing(DEFAULT_SCRYPT);
  const user = await findUserByEmail(db, email);
  const check = await passwords.verify(password, user?.password_hash);
  if (user === undefined || !check.ok) return undefined;
  if (check.rehash) await rehash(db, passwords, user, password);
  return user;
}

async function rehash(db: Db, passwords: PasswordHashing, user: User, password: string): Promise<void> {
  let fresh: string;
  try {
    fresh = await passwords.hash(password);
  } catch (err) {
    // Too busy to hash twice: the log-in stands, and the next one re-hashes.
    if (isAppError(err, 'Unavailable')) return;
    throw err;
  }
  // Only over the hash just verified: a password changed meanwhile is not overwritten.
  await setPasswordHash(db, user.id, fresh, user.password_hash);
}
