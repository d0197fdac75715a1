/**
 * Reads the `Content-Range` header of a ranged GetObject answer (RFC 9110: `bytes 0-99/1234`,
 * or `bytes 0-99/*` when the server does not say the whole length).
 *
 * @example
 *   parseContentRange('bytes 0-99/1234'); // { start: 0, end: 99, total: 1234 }
 *   parseContentRange(undefined);         // undefined (a plain 200)
 */

export interface ContentRange {
  start: number;
  end: number;
  /** Length of the whole object; undefined for `*`. */
  total: number | undefined;
}

/** Longer than any real value (three 16-digit numbers and the punctuation): not a Content-Range. */
const MAX_LENGTH = 64;
const CONTENT_RANGE = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16}|\*)$/;

export function parseContentRange(header: string | undefined): ContentRange | undefined {
  if (header === undefined || header.length > MAX_LENGTH) return undefined;
  const parsed = CONTENT_RANGE.exec(header);
  if (parsed === null) return undefined;
  return { start: Number(parsed[1]), end: Number(parsed[2]), total: parsed[3] === '*' ? undefined : Number(parsed[3]) };
}
