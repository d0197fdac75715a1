/**
 * Conditional GET (RFC 9110 §13): whether the client's cached copy is still good (304), and
 * whether an `If-Range` lets a Range request be answered partially.
 */
export interface Validators {
  etag: string | undefined;
  lastModified: Date | undefined;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Longer than any validator header a cache sends (one or a few entity tags, or a date). A
 * longer one is garbage: treated as matching nothing, without being split or parsed.
 */
export const MAX_VALIDATOR_HEADER_LENGTH = 1024;

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

/** HTTP dates have whole seconds; compare at that precision. */
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** True when the client's copy is current, so the answer is 304 Not Modified. */
export function isNotModified(headers: Headers, current: Validators): boolean {
  const ifNoneMatch = one(headers['if-none-match']);
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.length > MAX_VALIDATOR_HEADER_LENGTH) return false;
    // If-None-Match wins over If-Modified-Since; it uses the weak comparison.
    if (ifNoneMatch.trim() === '*') return true;
    if (current.etag === undefined) return false;
    const tag = opaque(current.etag);
    return ifNoneMatch.split(',').some((t) => opaque(t) === tag);
  }
  const since = one(headers['if-modified-since']);
  if (since === undefined || since.length > MAX_VALIDATOR_HEADER_LENGTH || current.lastModified === undefined) return false;
  const sinceMs = Date.parse(since);
  return !Number.isNaN(sinceMs) && seconds(current.lastModified) <= Math.floor(sinceMs / 1000);
}

/** False when an If-Range names another version: then the whole object is sent, not the range. */
export function ifRangeAllows(headers: Headers, current: Validators): boolean {
  const ifRange = one(headers['if-range'])?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.length > MAX_VALIDATOR_HEADER_LENGTH) return false;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) {
    // Strong comparison: a weak tag never matches.
    return current.etag !== undefined && !ifRange.startsWith('W/') && ifRange === current.etag;
  }
  const date = Date.parse(ifRange);
  return current.lastModified !== undefined && !Number.isNaN(date) && seconds(current.lastModified) === Math.floor(date / 1000);
}
