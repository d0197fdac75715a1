/** Sessions: plain functions taking `db` or a transaction. A session lives while its row does. */
import type { Db, UserRole } from '../db/schema.js';

/** Who a live session is for, with what the page header shows. */
export interface SessionAccount {
  readonly tenantId: number;
  readonly userId: number;
  readonly email: string;
  readonly tenantName: string;
  readonly role: UserRole;
  /** The shop's ISO 4217 currency. */
  readonly currency: string;
  /** The shop's default page language; null: the browser's. */
  readonly defaultLocale: 'en' | 'es' | null;
}

export async function insertSession(db: Db, values: { id: string; userId: number; tenantId: number; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id: values.id, user_id: values.userId, tenant_id: values.tenantId, expires_at: values.expiresAt })
    .execute();
}

/** The account of a session that exists and has not expired at `now`: one query, with its user and tenant. */
export async function findSessionAccount(db: Db, id: string, now: Date): Promise<SessionAccount | undefined> {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('tenants as t', 't.id', 's.tenant_id')
    .select([
      'u.id as userId',
      's.tenant_id as tenantId',
      'u.email as email',
      't.name as tenantName',
      'u.role as role',
      't.currency as currency',
      't.default_locale as defaultLocale',
    ])
    .where('s.id', '=', id)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a user; returns how many there were. */
export async function deleteUserSessions(db: Db, userId: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes sessions that expired before `now` (an index scan over the expired ones only). */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

/** Ends every session of a user but one (a password change keeps the browser that made it); how many ended. */
export async function deleteOtherSessions(db: Db, userId: number, keepId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', keepId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
