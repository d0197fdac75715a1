/** Units of measure: a fixed, seeded list (id 1 is 'unit'), shared by all tenants. */
import type { Db, Unit } from '../db/schema.js';

export const DEFAULT_UNIT_ID = 1;

export async function listUnits(db: Db): Promise<Unit[]> {
  return db.selectFrom('units').selectAll().orderBy('id').execute();
}

export async function getUnit(db: Db, id: number): Promise<Unit | undefined> {
  return db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
}
