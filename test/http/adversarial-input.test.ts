/**
 * Every parser of client input, fed 64 KiB built to hit its worst case, still gives the right
 * answer: it refuses or ignores the input, or cleans it to something bounded (issue 13,
 * finding 1: a 2 KB Range header held the event loop for 2.9 s). How long each parser takes
 * on these inputs, against a benign input of the same length, is measured in
 * bench/parsers.bench.ts (the same inputs): a wall-clock bound in a test fails on a loaded
 * machine. The same inputs through the running app are in adversarial-requests.test.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkLegacyRows } from '../../src/catalog/legacy-import/legacy-rows.js';
import { normalizePrice } from '../../src/catalog/price.js';
import { parseProductInput } from '../../src/catalog/product-input.js';
import type { Db, Unit } from '../../src/db/schema.js';
import { apiKeyRequired } from '../../src/http/api/api-key-required.js';
import { formatDecimal } from '../../src/http/i18n/format.js';
import { negotiateLocale } from '../../src/http/i18n/negotiate-locale.js';
import { LOCALES } from '../../src/http/i18n/translate.js';
import { ifRangeAllows, isNotModified } from '../../src/http/media/conditional-get.js';
import { parseRange } from '../../src/http/media/range-header.js';
import { safeNext } from '../../src/http/pages/login-required.js';
import { productIdParam } from '../../src/http/product-id-param.js';
import { sniffText } from '../../src/media/text-sniff.js';
import { DeliveryUrls } from '../../src/storage/delivery-urls.js';
import { sanitizeFileName } from '../../src/storage/key-locator.js';
import { invalidKeyReason } from '../../src/storage/keys.js';
import { verifyApiKey } from '../../src/tenancy/api-keys.js';
import { verifyCsrf } from '../../src/tenancy/csrf.js';
import { isEmailAddress } from '../../src/tenancy/email-address.js';
import { verifySession } from '../../src/tenancy/session.js';
import { signUpProblem, slugify } from '../../src/tenancy/tenancy.service.js';

const SIZE = 64 * 1024;
const SECRET = 'test-secret-key-for-vitrina-tests-0123456789';

/** Characters whose long runs make backtracking patterns blow up: white space, separators, digits, letters. */
const RUN_CHARACTERS = [' ', '\t', '.', '@', '0', '-', '/', '\\', ',', ';', '=', '<', 'a', '\u00a0'];

/** `prefix`, a run of `c`, then `suffix` (by default a `!` no pattern accepts, so every split is tried), SIZE in all. */
function run(c: string, prefix = '', suffix = '!'): string {
  return (
    prefix + c.repeat(Math.ceil((SIZE - prefix.length - suffix.length) / c.length)).slice(0, SIZE - prefix.length - suffix.length) + suffix
  );
}

/** A run of every character above, behind each prefix, plus the shapes given. */
function shapes(prefixes: readonly string[], extra: readonly string[] = []): string[] {
  return [...prefixes.flatMap((prefix) => RUN_CHARACTERS.map((c) => run(c, prefix))), ...extra];
}

/** Each input with a short name for failure messages; an input far under 64 KiB would test nothing. */
function named(inputs: readonly string[]): [input: string, name: string][] {
  return inputs.map((input) => {
    const name = `${JSON.stringify(input.slice(0, 24))}… (${input.length} characters)`;
    expect(input.length, name).toBeGreaterThanOrEqual(SIZE - 4);
    return [input, name];
  });
}

const half = ' '.repeat(SIZE / 2 - 4);

describe('every parser of request data gives the right answer on 64 KiB of adversarial input', () => {
  it('Range (the header of finding 1, and runs inside each part): no range', () => {
    const inputs = shapes(
      ['bytes=', 'bytes=0-', 'bytes=-', 'bytes= '],
      [`bytes=${half}-${half}!`, `bytes=${'0-0,'.repeat(SIZE / 4)}`, `bytes=${'0'.repeat(SIZE - 8)}-!`],
    );
    for (const [header, name] of named(inputs)) expect(parseRange(header, 1000), name).toEqual({ kind: 'none' });
  });

  it('the sign-up email (the `a@` + dots + `@` of finding 1), in the form and in signUp: refused', () => {
    const inputs = shapes(
      ['a@', 'a@b.', 'a.', ''],
      [`a@${'.'.repeat(SIZE - 3)}@`, `${'a.'.repeat(SIZE / 2 - 1)}@`, `a@${'a.'.repeat(SIZE / 2 - 2)}!`],
    );
    for (const [email, name] of named(inputs)) {
      expect(isEmailAddress(email), name).toBe(false);
      expect(signUpProblem({ tenantName: 'Acme', email, password: 'correct horse battery' }), name).toMatch(/email/i);
    }
  });

  it('the upload file name (the 30,000 dots of finding 1, and every other run): at most 120 plain characters', () => {
    const inputs = shapes(
      ['', 'x', 'a/', 'photo.jpg'],
      ['.'.repeat(SIZE), `${' .'.repeat(SIZE / 2 - 4)}.jpg`, '\u202e'.repeat(SIZE), '😀'.repeat(SIZE / 2)],
    );
    for (const [input, name] of named(inputs)) {
      const clean = sanitizeFileName(input);
      expect(clean.length, name).toBeGreaterThan(0);
      expect(clean.length, name).toBeLessThanOrEqual(120);
      for (const bad of ['/', '\\', '\t', '\u202e']) expect(clean.includes(bad), `${name} keeps ${JSON.stringify(bad)}`).toBe(false);
      expect(clean.startsWith('.') || clean.startsWith(' '), name).toBe(false);
    }
    expect(sanitizeFileName('.'.repeat(SIZE))).toBe('file');
    expect(sanitizeFileName('\u202e'.repeat(SIZE))).toBe('file');
  });

  it('price and the other product fields, from a form, the API or a legacy CSV row: refused', () => {
    const inputs = shapes(['', '1', '1.', '1,'], ['1.'.repeat(SIZE / 2)]);
    const units: Unit[] = [{ id: 1, code: 'unit', name: 'Unit' } as Unit];
    for (const [text, name] of named(inputs)) {
      expect(normalizePrice(text), name).toBeUndefined();
      const parsed = parseProductInput({ name: text, sku: text, sale_price: text, description: text, uom_id: text });
      expect(parsed.ok, name).toBe(false);
      if (!parsed.ok) expect(parsed.codes, name).toMatchObject({ sku: 'sku_invalid', sale_price: 'price_invalid' });
      const [row] = checkLegacyRows([{ line: 2, fields: { name: text, sku: text, uom: text, sale_price: text, image_path: text } }], units);
      expect(row, name).toMatchObject({ line: 2, ok: false });
    }
  });

  it('locale negotiation: Accept-Language, the lang cookie and ?lang=: a language we serve', () => {
    const inputs = shapes(['', 'es;q=', 'es-', 'es;q=0.5,'], [`es;${'q= '.repeat(SIZE / 3)}`]);
    for (const [value, name] of named(inputs)) {
      expect(LOCALES, name).toContain(negotiateLocale(value, undefined, undefined));
      // A 64 KiB cookie or ?lang= names no language: the default, not an error.
      expect(negotiateLocale(undefined, value, value), name).toBe('en');
    }
    expect(negotiateLocale(run('a'), undefined, undefined)).toBe('en');
  });

  it('product ids in a path (not found), and the log-in `next` (ignored)', () => {
    const request = (id: string) => ({ params: { id } }) as unknown as FastifyRequest;
    for (const [id, name] of named(shapes(['', '1', '/']))) {
      expect(() => productIdParam(request(id)), name).toThrow('There is no such product.');
      expect(safeNext(id), name).toBeUndefined();
    }
  });

  it('session and CSRF cookies and fields: refused', () => {
    for (const [value, name] of named(shapes(['', 'a.', 'eyJ']))) {
      expect(verifySession(SECRET, value), name).toBeUndefined();
      expect(verifyCsrf(SECRET, 'pre:x', value), name).toBe(false);
    }
  });

  it('API keys: the Authorization header and the token are refused before any query', async () => {
    const reply = { header: () => reply } as unknown as FastifyReply;
    // The database is never reached: a malformed key is refused before any query (an undefined db would throw).
    const hook = apiKeyRequired((token) => verifyApiKey(undefined as unknown as Db, token));
    const inputs = shapes(['Bearer ', 'Bearer vk_', 'vk_']);
    for (const [value, name] of named(inputs)) {
      await expect(hook({ headers: { authorization: value } } as FastifyRequest, reply), name).rejects.toMatchObject({
        code: 'Unauthorized',
      });
      await expect(verifyApiKey(undefined as unknown as Db, value), name).resolves.toBeUndefined();
    }
  });

  it('media keys, signed-URL parameters and conditional-GET headers: refused, or not a match', () => {
    const delivery = new DeliveryUrls({ appUrl: 'http://127.0.0.1', secret: SECRET, signedUrlTtl: 60 });
    const validators = { etag: '"abc"', lastModified: new Date(0) };
    for (const [value, name] of named(shapes(['', 't/1/img/', 'W/"', '"a",']))) {
      expect(invalidKeyReason(value), name).toBeDefined();
      expect(delivery.verifyMediaGet(value, { expires: value, signature: value, disposition: value }).ok, name).toBe(false);
      expect(delivery.verifyMediaGet('t/1/img/x', { expires: '99', signature: value, disposition: value }).ok, name).toBe(false);
      expect(delivery.verifyUpload({ key: value, 'Content-Type': value, policy: value, signature: value }).ok, name).toBe(false);
      expect(isNotModified({ 'if-none-match': value }, validators), name).toBe(false);
      expect(isNotModified({ 'if-modified-since': value }, validators), name).toBe(false);
      expect(ifRangeAllows({ 'if-range': value }, validators), name).toBe(false);
    }
  });

  it('the text sniffer on an upload that starts like markup: text, SVG only for `<svg` and a separator', () => {
    const inputs = shapes(['<!doctype', '<!doctype ', '<?', '<!--', '<svg'], [`<!doctype${' '.repeat(SIZE - 10)}!`]);
    for (const [text, name] of named(inputs)) {
      const svg = text.startsWith('<svg') && [' ', '\t', '/', '\u00a0'].includes(text.charAt(4));
      expect(sniffText(Buffer.from(text)), name).toBe(svg ? 'image/svg+xml' : 'text/plain');
    }
  });

  it('tenant names (slugs), and the decimal formatting of stored prices', () => {
    for (const [text, name] of named(shapes(['', 'a', '-']))) {
      const slug = slugify(text);
      expect(slug.length, name).toBeLessThanOrEqual(40);
      expect(slug, name).toMatch(/^[a-z0-9-]+$/);
      expect(slug.startsWith('-') || slug.endsWith('-'), name).toBe(false);
    }
    const digits = run('1', '', '');
    expect(formatDecimal('en', digits)).toBe(`${'1'.repeat(SIZE % 3 || 3)}${',111'.repeat(Math.floor((SIZE - 1) / 3))}.00`);
  });
});
