/** PostgreSQL's `integer` holds no more; the identity columns that name our rows start at 1. */
export const MAX_ROW_ID = 2_147_483_647;

/** True for a number that can name a row of an `integer` identity column; anything else names none (and the database would refuse it). */
export function isRowId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ROW_ID;
}
