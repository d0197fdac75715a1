/** Users: plain functions taking `db` or a transaction. Emails are stored trimmed and lower-cased. */
import type { Db, User, UserRole } from '../db/schema.js';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function insertUser(
  db: Db,
  values: { tenantId: number; email: string; passwordHash: string; role?: UserRole },
): Promise<User> {
  return db
    .insertInto('users')
    .values({ tenant_id: values.tenantId, email: normalizeEmail(values.email), password_hash: values.passwordHash, role: values.role })
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

/** The tenant's users, oldest first. */
export async function listUsers(db: Db, tenantId: number): Promise<User[]> {
  return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
}

/** The ids of the tenant's owners, locked until the transaction ends (two removals cannot both take the last owner). */
export async function lockOwners(db: Db, tenantId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'owner')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

export async function setRole(db: Db, tenantId: number, userId: number, role: UserRole): Promise<boolean> {
  const result = await db.updateTable('users').set({ role }).where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes a user of this tenant (their sessions and links go with them: ON DELETE CASCADE). */
export async function deleteUser(db: Db, tenantId: number, userId: number): Promise<boolean> {
  const result = await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
