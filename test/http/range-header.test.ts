/**
 * parseRange's contract, now that range-parser does the parsing: one byte range is served,
 * several or a malformed one get the whole object, one wholly past the end is a 416 — and a
 * header longer than any single range is not parsed at all (issue 13, finding 1).
 */
import { describe, expect, it } from 'vitest';
import { MAX_RANGE_HEADER_LENGTH, parseRange } from '../../src/http/media/range-header.js';

describe('parseRange', () => {
  it.each([
    ['bytes=0-499', { kind: 'range', start: 0, end: 499 }],
    ['bytes=500-', { kind: 'range', start: 500, end: 999 }],
    ['bytes=-300', { kind: 'range', start: 700, end: 999 }],
    ['bytes=-5000', { kind: 'range', start: 0, end: 999 }],
    ['bytes=900-5000', { kind: 'range', start: 900, end: 999 }],
    ['BYTES=1-2', { kind: 'range', start: 1, end: 2 }],
    ['bytes= 1-2 ', { kind: 'range', start: 1, end: 2 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=1000-2000', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'none' }],
    ['bytes=0-1,5-6', { kind: 'none' }],
    ['bytes=-', { kind: 'none' }],
    ['bytes=', { kind: 'none' }],
    ['bytes=a-b', { kind: 'none' }],
    ['items=0-1', { kind: 'none' }],
    ['0-1', { kind: 'none' }],
  ])('%j of a 1000-byte object → %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it('answers no Range as none, and the suffix of an empty object as all of it', () => {
    expect(parseRange(undefined, 1000)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=-10', 0)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('does not parse a header longer than one range can be', () => {
    const longest = `bytes=${'9'.repeat(16)}-${'9'.repeat(16)}`;
    expect(longest.length).toBeLessThan(MAX_RANGE_HEADER_LENGTH);
    expect(parseRange(`bytes=0-${' '.repeat(MAX_RANGE_HEADER_LENGTH)}`, 1000)).toEqual({ kind: 'none' });
    expect(parseRange(`bytes=${'0'.repeat(MAX_RANGE_HEADER_LENGTH)}-1`, 1000)).toEqual({ kind: 'none' });
  });
});
