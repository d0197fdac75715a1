/** Tenants: plain functions taking `db` or a transaction. */
import type { Db, Tenant } from '../db/schema.js';

export async function insertTenant(db: Db, values: { name: string; slug: string; currency?: string }): Promise<Tenant> {
  return db.insertInto('tenants').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function getTenant(db: Db, id: number): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTenantBySlug(db: Db, slug: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  return db.selectFrom('tenants').selectAll().orderBy('id').execute();
}

/** The shop's own settings. */
export async function updateTenant(
  db: Db,
  id: number,
  values: { name: string; currency: string; defaultLocale: 'en' | 'es' | null },
): Promise<boolean> {
  const result = await db
    .updateTable('tenants')
    .set({ name: values.name, currency: values.currency, default_locale: values.defaultLocale })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
