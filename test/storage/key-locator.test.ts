import { describe, expect, it } from 'vitest';
import { newAssetPrefix, parseAssetPrefix, sanitizeFileName, tenantImagePrefix, variantKey } from '../../src/storage/key-locator.js';
import { assertValidKey, invalidKeyReason } from '../../src/storage/keys.js';
import { isStorageError } from '../../src/storage/storage-error.js';

describe('key locator', () => {
  it('builds tenant-first, generated, immutable keys', () => {
    const prefix = newAssetPrefix(42);
    expect(prefix).toMatch(/^t\/42\/img\/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\/$/);
    expect(variantKey(prefix, 'w480', 'webp')).toBe(`${prefix}w480.webp`);
    expect(parseAssetPrefix(`${prefix}original.jpg`)).toEqual({ tenantId: '42', assetId: prefix.split('/')[3] });
    expect(tenantImagePrefix('7')).toBe('t/7/img/');
  });

  it('never makes the same asset prefix twice, and orders them by time', () => {
    const prefixes = Array.from({ length: 500 }, () => newAssetPrefix(1));
    expect(new Set(prefixes).size).toBe(500);
    expect([...prefixes].sort()).toEqual(prefixes);
  });

  it.each([
    () => newAssetPrefix('../1'),
    () => newAssetPrefix(''),
    () => newAssetPrefix(1, 'not-a-uuid'),
    () => variantKey('products/x/', 'w480', 'webp'),
    () => variantKey(newAssetPrefix(1), '../w480', 'webp'),
    () => variantKey(newAssetPrefix(1), 'w480', 'svg' as never),
  ])('refuses to build a key from bad parts (%#)', (build) => {
    expect(build).toThrow(expect.objectContaining({ code: 'InvalidKey' }));
  });

  it.each([
    ['../../etc/pass\u0000wd .JPG', 'passwd .JPG'],
    ['C:\\Users\\ana\\Fotos\\martillo.jpg', 'martillo.jpg'],
    ['<script>alert(1)</script>.png', 'script.png'],
    ['a<b>"c":d|e?f*.gif', 'abcdef.gif'],
    ['evil\u202Egpj.exe', 'evilgpj.exe'],
    ['   ...   ', 'file'],
    [undefined, 'file'],
    ['Caf\u0065\u0301 año.webp', 'Caf\u00e9 año.webp'],
  ])('sanitises the file name %j to %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('shortens a long file name but keeps its extension', () => {
    const name = sanitizeFileName(`${'a'.repeat(300)}.jpeg`);
    expect(name.length).toBe(120);
    expect(name.endsWith('.jpeg')).toBe(true);
  });

  it('never cuts a character in half, and drops a lone surrogate', () => {
    expect(sanitizeFileName(`a${'😀'.repeat(100)}.jpg`)).toBe(`a${'😀'.repeat(57)}.jpg`);
    expect(sanitizeFileName('half\uD83D.png')).toBe('half.png');
  });

  it('trims runs of dots and spaces in linear time (30,000 dots took 3 s)', () => {
    expect(sanitizeFileName(`a${'.'.repeat(30_000)}.jpg`)).toBe(`a${'.'.repeat(115)}.jpg`);
    expect(sanitizeFileName(`${' . '.repeat(300)}x${' .'.repeat(30_000)}`)).toBe('x');
    expect(sanitizeFileName(`${'b'.repeat(40_000)}.webp`)).toBe(`${'b'.repeat(115)}.webp`);
  });
});

describe('key validation', () => {
  it.each(['', '/abs', 'a/../b', '..', 'a/./b', 'a//b', 'a\\b', 'a\u0000b', 'a\nb', 'C:/x', 'x'.repeat(1025)])(
    'refuses bad key #%#',
    (key) => {
      expect(invalidKeyReason(key)).toBeTypeOf('string');
      expect(() => assertValidKey(key)).toThrow();
      try {
        assertValidKey(key);
      } catch (err) {
        expect(isStorageError(err, 'InvalidKey')).toBe(true);
      }
    },
  );

  it.each(['t/1/img/x/original.jpg', 'a', 'a/b.c', 'ñandú/foto.webp', '_vitrina/doctor/x'])('accepts %j', (key) => {
    expect(invalidKeyReason(key)).toBeUndefined();
  });
});
