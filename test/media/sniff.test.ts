import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { detectType, sniffImageType } from '../../src/media/sniff.js';
import { bytesOf, makeImage } from './media-fixtures.js';

async function refusal(bytes: Uint8Array, allowed?: readonly string[]): Promise<{ code: string; status: number; message: string }> {
  const err = await sniffImageType(bytes, allowed).then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw err;
  return { code: err.code, status: err.status, message: err.message };
}

describe('sniffImageType', () => {
  it.each(['jpeg', 'png', 'gif', 'webp'] as const)('names %s from its bytes', async (format) => {
    const type = await sniffImageType(await makeImage(format, 32, 24));
    expect(type.format).toBe(format);
    expect(type.mime).toBe(`image/${format}`);
  });

  it('refuses a PDF with the detected type', async () => {
    expect(await refusal(bytesOf('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n'))).toEqual({
      code: 'UnsupportedMediaType',
      status: 415,
      message: 'File type not allowed: application/pdf',
    });
  });

  it.each([
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml'],
    [
      'SVG behind an XML prolog',
      '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<!-- hi -->\n<svg></svg>',
      'image/svg+xml',
    ],
    ['HTML', '\uFEFF  <!DOCTYPE html><html><body><script>alert(1)</script></body></html>', 'text/html'],
    ['an HTML fragment', '<script>alert(document.cookie)</script>', 'text/html'],
    ['XML', '<?xml version="1.0"?><note>hi</note>', 'application/xml'],
    ['plain text', 'just some notes, nothing to see\n', 'text/plain'],
    ['JSON', '{"a": [1, 2, 3]}', 'application/json'],
  ])('refuses %s, naming it', async (_label, text, mime) => {
    const result = await refusal(bytesOf(text));
    expect(result.code).toBe('UnsupportedMediaType');
    expect(result.message).toBe(`File type not allowed: ${mime}`);
  });

  it('calls unknown binary application/octet-stream', async () => {
    expect((await refusal(new Uint8Array([0, 1, 2, 3, 250, 251, 252, 0, 9]))).message).toBe(
      'File type not allowed: application/octet-stream',
    );
  });

  it('refuses an empty file clearly', async () => {
    expect(await refusal(new Uint8Array(0))).toEqual({ code: 'Unprocessable', status: 422, message: 'The file is empty' });
  });

  it('honours a configured list of types', async () => {
    const png = await makeImage('png', 8, 8);
    expect((await refusal(png, ['image/jpeg'])).message).toBe('File type not allowed: image/png');
    expect((await sniffImageType(png, ['image/png'])).ext).toBe('png');
  });

  it('ignores what the name or the client would claim: only bytes count', async () => {
    // A PNG is a PNG even if someone says it is a JPEG; detectType never sees names or headers.
    expect(await detectType(await makeImage('png', 8, 8))).toBe('image/png');
  });
});
