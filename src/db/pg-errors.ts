/**
 * PostgreSQL error facts, the same on pg and PGlite: both raise errors carrying the SQLSTATE
 * in `code` and the violated constraint (or index) in `constraint`.
 */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const CHECK_VIOLATION = '23514';

interface PgErrorFields {
  code?: unknown;
  constraint?: unknown;
}

/** True when `err` is a unique violation (optionally of the named constraint or unique index). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return hasCode(err, UNIQUE_VIOLATION, constraint);
}

/**
 * True for SQLSTATE class 22, "data exception": a value the database cannot take, such as a
 * NUL in text (22021) or a number out of a column's range (22003). Input is checked before it
 * gets here; the HTTP error handler still answers one that slips through with a 400, not a 500.
 */
export function isDataException(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code } = err as PgErrorFields;
  return typeof code === 'string' && code.length === 5 && code.startsWith('22');
}

export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  return hasCode(err, FOREIGN_KEY_VIOLATION, constraint);
}

function hasCode(err: unknown, code: string, constraint: string | undefined): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const fields = err as PgErrorFields;
  return fields.code === code && (constraint === undefined || fields.constraint === constraint);
}
