import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findMarkup } from '../../src/media/polyglot.js';

/** Random bytes with no `<` or `:` at all, so only what a test plants can match. */
function noise(length: number): Buffer {
  const bytes = randomBytes(length);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x3c || bytes[i] === 0x3a) bytes[i] = 0x20;
  return bytes;
}

function plant(text: string, at: number, length = 4096): Buffer {
  const bytes = noise(length);
  bytes.write(text, at, 'latin1');
  return bytes;
}

describe('findMarkup', () => {
  const markers = ['<script', '<html', '<svg', '<iframe', '<body', '<!doctype', '<?xml', 'javascript:', '<object', '<embed'];

  it.each(markers)('finds %s in any case, in the middle, at the start and at the very end', (marker) => {
    const upper = marker.toUpperCase();
    const mixed = [...marker].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join('');
    // A tag's name ends with whitespace, `/` or `>` (or the end of the data); `javascript:` with its colon.
    const end = marker.startsWith('<') ? '>' : '';
    for (const spelled of [marker, upper, mixed]) {
      expect(findMarkup(plant(spelled + end, 1000))).toBe(marker);
      expect(findMarkup(plant(spelled + end, 0))).toBe(marker);
      expect(findMarkup(plant(spelled, 4096 - spelled.length))).toBe(marker);
    }
  });

  it.each(['<script ', '<svg\n', '<html/', '<body\t', '<iframe\r', '<embed\f'])('finds a tag whose name ends with %j', (tag) => {
    expect(findMarkup(plant(tag, 500))).toBe(tag.trimEnd().replace('/', ''));
  });

  it('finds no tag in a longer name: <svgA, <scripted, <html5 (near-random image data holds such runs)', () => {
    for (const text of ['<svgA', '<SVG1', '<scripted', '<html5', '<bodyx', '<!doctypes'])
      expect(findMarkup(plant(text, 500))).toBeUndefined();
  });

  it('finds no tag in a longer name on the dense path either (data crowded with <)', () => {
    const bytes = Buffer.alloc(64 * 1024, '<svgA', 'latin1');
    expect(findMarkup(bytes)).toBeUndefined();
    bytes.write('<svg>', 30_000, 'latin1');
    expect(findMarkup(bytes)).toBe('<svg');
  });

  it('finds nothing in data full of `<` and `:` that spell no marker', () => {
    const bytes = noise(64 * 1024);
    for (let i = 0; i < bytes.length; i += 7) bytes[i] = 0x3c;
    for (let i = 3; i < bytes.length; i += 11) bytes[i] = 0x3a;
    // Near misses: the right first letters, cut short or misspelled.
    bytes.write('<scrip', 100, 'latin1');
    bytes.write('<sv ', 200, 'latin1');
    bytes.write('javascrip:', 300, 'latin1');
    bytes.write('<scrip', bytes.length - 6, 'latin1');
    expect(findMarkup(bytes)).toBeUndefined();
  });

  it('names the earliest marker of its list when several are present', () => {
    const bytes = plant('<svg ', 10);
    bytes.write('<SCRIPT>', 2000, 'latin1');
    expect(findMarkup(bytes)).toBe('<script');
  });

  it('reads a view into a larger buffer only within the view', () => {
    const whole = plant('<script>', 100, 8192);
    expect(findMarkup(whole.subarray(200))).toBeUndefined();
    expect(findMarkup(new Uint8Array(whole.buffer, whole.byteOffset + 50, 100))).toBe('<script');
  });
});

describe('findMarkup on adversarial input', () => {
  /** 2 MiB of `unit` over and over: near misses that send a naive scan looking at every byte. */
  const repeated = (unit: string) => Buffer.alloc(2 * 1024 * 1024, unit, 'latin1');

  // How long these take against random bytes of the same size is measured in
  // bench/media.bench.ts ("markup scan"), not here: a timed test fails on a busy machine.
  it.each(['<svx', '<SvX', '<scrip', '<', '<!doctyp', '<?xm', 'javascrip:', 't:', '<objec<embe'])(
    'scans 2 MiB of %s repeated, finding nothing',
    (unit) => {
      expect(findMarkup(repeated(unit))).toBeUndefined();
    },
  );

  it('still finds a marker at the end of 2 MiB of near misses', () => {
    const bytes = repeated('<svx');
    bytes.write('<sVg', bytes.length - 4, 'latin1');
    expect(findMarkup(bytes)).toBe('<svg');
  });
});
