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

export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  return hasCode(err, FOREIGN_KEY_VIOLATION, constraint);
}

function hasCode(err: unknown, code: string, constraint: string | undefined): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const fields = err as PgErrorFields;
  return fields.code === code && (constraint === undefined || fields.constraint === constraint);
}
