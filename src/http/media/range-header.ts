/**
 * The HTTP `Range` header (RFC 9110 §14), for one byte range. Several ranges in one header
 * are answered with the whole object (a server may ignore Range), as is a malformed header;
 * only a well-formed range that lies wholly past the end is "unsatisfiable" (416).
 *
 * Parsed by `range-parser` (what Express and `send` use), which scans the text once. The
 * header's length is checked first: a single range is at most "bytes=" and two 16-digit
 * numbers, so anything longer is not one and is ignored without being looked at.
 *
 * @example parseRange('bytes=-500', 2000) // { kind: 'range', start: 1500, end: 1999 }
 */
import { parse } from 'range-parser';

export type ParsedRange = { kind: 'none' } | { kind: 'unsatisfiable' } | { kind: 'range'; start: number; end: number };

/** Longer than any one byte range ("bytes=" and two 16-digit positions), with room for spaces. */
export const MAX_RANGE_HEADER_LENGTH = 100;

/** range-parser's result bits: 1 = an element is malformed, 2 = an element lies past the end. */
const MALFORMED = 1;
const PAST_THE_END = 2;

export function parseRange(header: string | undefined, size: number): ParsedRange {
  if (header === undefined || header.length > MAX_RANGE_HEADER_LENGTH || header.includes(',')) return { kind: 'none' };
  const parsed = parse(size, header);
  if (parsed.type !== 'bytes' || (parsed.code & MALFORMED) !== 0) return { kind: 'none' };
  const [range] = parsed.ranges;
  if (range !== undefined) return { kind: 'range', start: range.start, end: range.end };
  // No range and nothing past the end: a suffix range of an empty object, which is all of it.
  return (parsed.code & PAST_THE_END) !== 0 ? { kind: 'unsatisfiable' } : { kind: 'none' };
}
