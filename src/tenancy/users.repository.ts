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

/** The user and tenant a session names, for the page header; undefined once either is gone. */
export async function findAccount(
  db: Db,
  who: { userId: number; tenantId: number },
): Promise<{ tenantId: number; userId: number; email: string; tenantName: string } | undefined> {
  return db
    .selectFrom('users as u')
    .innerJoin('tenants as t', 't.id', 'u.tenant_id')
    .select(['u.id as userId', 'u.tenant_id as tenantId', 'u.email as email', 't.name as tenantName'])
    .where('u.id', '=', who.userId)
    .where('u.tenant_id', '=', who.tenantId)
    .executeTakeFirst();
}
