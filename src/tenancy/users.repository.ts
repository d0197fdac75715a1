/** Users: plain functions taking `db` or a transaction. Emails are stored trimmed and lower-cased. */
import type { Db, User } from '../db/schema.js';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function insertUser(db: Db, values: { tenantId: number; email: string; passwordHash: string }): Promise<User> {
  return db
    .insertInto('users')
    .values({ tenant_id: values.tenantId, email: normalizeEmail(values.email), password_hash: values.passwordHash })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

/** A user of this tenant; undefined for another tenant's user id. */
export async function getUser(db: Db, tenantId: number, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** Replaces a user's password hash; with `previous`, only while the stored hash is still that one. Returns whether it changed. */
export async function setPasswordHash(db: Db, userId: number, hash: string, previous?: string): Promise<boolean> {
  let query = db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId);
  if (previous !== undefined) query = query.where('password_hash', '=', previous);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
