/**
 * Every parser of request data on 64 KiB of adversarial input, against a benign input of the
 * same length in the same run (no server, no store, no database). The inputs are those of
 * test/http/adversarial-input.test.ts and test/tenancy/login-next-and-csrf.test.ts, which
 * check each parser's answer on them; the time lives here, because a wall-clock bound inside a
 * test fails on a loaded machine (issue 13, finding 1: a 2 KB Range header held the event loop
 * for 2.9 s).
 *
 *   npx tsx bench/parsers.bench.ts            # RUNS=15 for more samples per input
 *
 * Prints, for each parser, the slowest adversarial input's time per call (fastest of RUNS
 * batches), the benign input's, their ratio, and how the slowest input's time grows when its
 * length doubles; then the worst ratio and the steepest growth. The benign input is a run of a
 * plain letter (or a realistic value padded) that many parsers refuse at its first character,
 * so a large ratio alone may be honest linear work, such as trimming 64 KiB of white space;
 * the growth says which: about 2 is linear, 4 quadratic, and a backtracking pattern shows as
 * seconds. Calls that take well under a microsecond are timed in batches, so that the clock's
 * resolution does not make the ratio. An async parser is timed for its synchronous part,
 * which is where a pattern would block.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkLegacyRows } from '../src/catalog/legacy-import/legacy-rows.js';
import { normalizePrice } from '../src/catalog/price.js';
import { parseProductInput } from '../src/catalog/product-input.js';
import type { Db, Unit } from '../src/db/schema.js';
import { apiKeyRequired } from '../src/http/api/api-key-required.js';
import { formatDecimal } from '../src/http/i18n/format.js';
import { negotiateLocale } from '../src/http/i18n/negotiate-locale.js';
import { ifRangeAllows, isNotModified } from '../src/http/media/conditional-get.js';
import { parseRange } from '../src/http/media/range-header.js';
import { safeNext } from '../src/http/pages/login-required.js';
import { productIdParam } from '../src/http/product-id-param.js';
import { sniffText } from '../src/media/text-sniff.js';
import { DeliveryUrls } from '../src/storage/delivery-urls.js';
import { sanitizeFileName } from '../src/storage/key-locator.js';
import { invalidKeyReason } from '../src/storage/keys.js';
import { verifyApiKey } from '../src/tenancy/api-keys.js';
import { verifyCsrf } from '../src/tenancy/csrf.js';
import { isEmailAddress } from '../src/tenancy/email-address.js';
import { verifySession } from '../src/tenancy/session.js';
import { parseLocalePrice } from '../src/catalog/price.js';
import { csvCell } from '../src/http/export/csv-cell.js';
import { priceFormatFor } from '../src/http/i18n/index.js';
import { backHref, parseListQuery } from '../src/http/list-query.js';
import { pendingIdFrom } from '../src/http/pages/pending-token.js';
import { withoutLang } from '../src/http/request-state.js';
import { isLinkToken } from '../src/tenancy/one-time-links.js';
import { signUpProblem, slugify } from '../src/tenancy/tenancy.service.js';

const SIZE = 64 * 1024;
const SECRET = 'bench-secret-key-for-vitrina-parsers-0123456789';
const RUNS = Number(process.env.RUNS ?? 7);
/** A batch of calls lasts at least this long, so a sub-microsecond call is not rounded by the clock. */
const BATCH_MS = 1;

// The inputs, as the tests build them, for any size (the half size shows how the time grows).

/** Characters whose long runs make backtracking patterns blow up: white space, separators, digits, letters. */
const RUN_CHARACTERS = [' ', '\t', '.', '@', '0', '-', '/', '\\', ',', ';', '=', '<', 'a', '\u00a0'];

/** `prefix`, a run of `c`, then `suffix` (by default a `!` no pattern accepts, so every split is tried), `size` in all. */
function run(size: number, c: string, prefix = '', suffix = '!'): string {
  const length = size - prefix.length - suffix.length;
  return prefix + c.repeat(Math.ceil(length / c.length)).slice(0, length) + suffix;
}

/** Every adversarial input of the two tests, `size` characters long (give or take a few). */
function adversarialInputs(size: number) {
  /** A run of every character above, behind each prefix, plus the shapes given. */
  const shapes = (prefixes: readonly string[], extra: readonly string[] = []) => [
    ...prefixes.flatMap((prefix) => RUN_CHARACTERS.map((c) => run(size, c, prefix))),
    ...extra,
  ];
  const half = ' '.repeat(size / 2 - 4);
  return {
    range: shapes(
      ['bytes=', 'bytes=0-', 'bytes=-', 'bytes= '],
      [`bytes=${half}-${half}!`, `bytes=${'0-0,'.repeat(size / 4)}`, `bytes=${'0'.repeat(size - 8)}-!`],
    ),
    email: shapes(
      ['a@', 'a@b.', 'a.', ''],
      [`a@${'.'.repeat(size - 3)}@`, `${'a.'.repeat(size / 2 - 1)}@`, `a@${'a.'.repeat(size / 2 - 2)}!`],
    ),
    fileName: shapes(
      ['', 'x', 'a/', 'photo.jpg'],
      ['.'.repeat(size), `${' .'.repeat(size / 2 - 4)}.jpg`, '\u202e'.repeat(size), '😀'.repeat(size / 2)],
    ),
    product: shapes(['', '1', '1.', '1,'], ['1.'.repeat(size / 2)]),
    locale: shapes(['', 'es;q=', 'es-', 'es;q=0.5,'], [`es;${'q= '.repeat(size / 3)}`]),
    path: shapes(['', '1', '/']),
    // Plus the %-runs of test/tenancy/login-next-and-csrf.test.ts.
    next: [
      ...shapes(['', '1', '/']),
      '/'.padEnd(size, '%'),
      '/'.padEnd(size, '%2'),
      `/${'%01'.repeat(Math.floor((size - 1) / 3))}`,
      '/'.padEnd(size, 'a'),
    ],
    token: shapes(['', 'a.', 'eyJ']),
    apiKey: shapes(['Bearer ', 'Bearer vk_', 'vk_']),
    media: shapes(['', 't/1/img/', 'W/"', '"a",']),
    markup: shapes(['<!doctype', '<!doctype ', '<?', '<!--', '<svg'], [`<!doctype${' '.repeat(size - 10)}!`]),
    slug: shapes(['', 'a', '-']),
    digits: [run(size, '1', '', '')],
  };
}

type InputSet = keyof ReturnType<typeof adversarialInputs>;

interface Parser {
  name: string;
  adversarial: InputSet;
  /** A benign input of `size` characters; by default a run of a plain letter that no adversarial run uses. */
  benign?: (size: number) => string;
  call: (input: string) => unknown;
}

const units: Unit[] = [{ id: 1, code: 'unit', name: 'Unit' } as Unit];
const reply = { header: () => reply } as unknown as FastifyReply;
// A malformed key is refused before any query, so no database is needed.
const noDb = undefined as unknown as Db;
const apiKeyHook = apiKeyRequired((token) => verifyApiKey(noDb, token));
const delivery = new DeliveryUrls({ appUrl: 'http://127.0.0.1', secret: SECRET, signedUrlTtl: 60 });
const validators = { etag: '"abc"', lastModified: new Date(0) };
const notFound = (id: string) => {
  try {
    productIdParam({ params: { id } } as unknown as FastifyRequest);
  } catch {
    // NotFound is the answer for every input here; the tests check it.
  }
};

const parsers: Parser[] = [
  { name: 'Range: parseRange', adversarial: 'range', call: (header) => parseRange(header, 1000) },
  { name: 'email: isEmailAddress', adversarial: 'email', call: isEmailAddress },
  {
    name: 'email: signUpProblem',
    adversarial: 'email',
    call: (email) => signUpProblem({ tenantName: 'Acme', email, password: 'correct horse battery' }),
  },
  {
    name: 'file name: sanitizeFileName',
    adversarial: 'fileName',
    benign: (size) => `${'x'.repeat(size - 4)}.jpg`,
    call: sanitizeFileName,
  },
  { name: 'price: normalizePrice', adversarial: 'product', call: normalizePrice },
  { name: 'price: parseLocalePrice (es)', adversarial: 'product', call: (text) => parseLocalePrice(text, priceFormatFor('es', 'EUR')) },
  { name: 'price: parseLocalePrice (en)', adversarial: 'product', call: (text) => parseLocalePrice(text, priceFormatFor('en', 'USD')) },
  {
    name: 'list: parseListQuery',
    adversarial: 'next',
    call: (text) => parseListQuery({ q: text, sort: text, dir: text, per: text, stock: text, page: text }),
  },
  { name: 'list: backHref', adversarial: 'next', benign: (size) => '/products?q='.padEnd(size, 'x'), call: backHref },
  { name: 'language switch: withoutLang', adversarial: 'next', call: (text) => withoutLang('GET', `${text}?lang=es`) },
  {
    name: 'form: pendingIdFrom',
    adversarial: 'token',
    call: (value) => pendingIdFrom(SECRET, value, { tenantId: 1, userId: 1, form: 'new' }),
  },
  { name: 'links: isLinkToken', adversarial: 'token', call: isLinkToken },
  { name: 'CSV: csvCell', adversarial: 'markup', call: csvCell },
  {
    name: 'product: parseProductInput',
    adversarial: 'product',
    call: (text) => parseProductInput({ name: text, sku: text, sale_price: text, description: text, uom_id: text }),
  },
  {
    name: 'product: checkLegacyRows',
    adversarial: 'product',
    call: (text) => checkLegacyRows([{ line: 2, fields: { name: text, sku: text, uom: text, sale_price: text, image_path: text } }], units),
  },
  { name: 'locale: Accept-Language', adversarial: 'locale', call: (value) => negotiateLocale(value, undefined, undefined) },
  { name: 'locale: cookie and ?lang=', adversarial: 'locale', call: (value) => negotiateLocale(undefined, value, value) },
  { name: 'path: productIdParam', adversarial: 'path', call: notFound },
  { name: 'log-in next: safeNext', adversarial: 'next', benign: (size) => '/products?q='.padEnd(size, 'x'), call: safeNext },
  { name: 'cookie: verifySession', adversarial: 'token', call: (value) => verifySession(SECRET, value) },
  { name: 'form: verifyCsrf', adversarial: 'token', call: (value) => verifyCsrf(SECRET, 'pre:x', value) },
  {
    name: 'API: Authorization header',
    adversarial: 'apiKey',
    call: (authorization) => apiKeyHook({ headers: { authorization } } as FastifyRequest, reply),
  },
  { name: 'API: verifyApiKey', adversarial: 'apiKey', call: (token) => verifyApiKey(noDb, token) },
  { name: 'media: invalidKeyReason', adversarial: 'media', call: invalidKeyReason },
  {
    name: 'media: verifyMediaGet (all fields)',
    adversarial: 'media',
    call: (value) => delivery.verifyMediaGet(value, { expires: value, signature: value, disposition: value }),
  },
  {
    name: 'media: verifyMediaGet (signature)',
    adversarial: 'media',
    call: (value) => delivery.verifyMediaGet('t/1/img/x', { expires: '99', signature: value, disposition: value }),
  },
  {
    name: 'media: verifyUpload',
    adversarial: 'media',
    call: (value) => delivery.verifyUpload({ key: value, 'Content-Type': value, policy: value, signature: value }),
  },
  { name: 'media: If-None-Match', adversarial: 'media', call: (value) => isNotModified({ 'if-none-match': value }, validators) },
  { name: 'media: If-Modified-Since', adversarial: 'media', call: (value) => isNotModified({ 'if-modified-since': value }, validators) },
  { name: 'media: If-Range', adversarial: 'media', call: (value) => ifRangeAllows({ 'if-range': value }, validators) },
  { name: 'upload: sniffText', adversarial: 'markup', call: (text) => sniffText(Buffer.from(text)) },
  { name: 'tenant name: slugify', adversarial: 'slug', call: slugify },
  {
    name: 'price display: formatDecimal',
    adversarial: 'digits',
    // A stored price with leading zeros: formatted in full, like the run of digits.
    benign: (size) => '1234.50'.padStart(size, '0'),
    call: (digits) => formatDecimal('en', digits),
  },
];

/** A rejected promise of an async parser is its answer, not an error of the bench. */
function settle(result: unknown): void {
  if (result instanceof Promise) result.catch(() => undefined);
}

/** Milliseconds per call: the fastest of RUNS batches, each long enough for the clock to resolve, after a warm-up batch. */
function perCallMs(call: () => unknown): number {
  settle(call());
  const started = performance.now();
  settle(call());
  const first = performance.now() - started;
  const batch = Math.min(10_000, Math.max(1, Math.ceil(BATCH_MS / Math.max(first, 0.0001))));
  let best = Infinity;
  for (let r = 0; r <= RUNS; r++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) settle(call());
    // Batch 0 warms the JIT up on this input's shape.
    if (r > 0) best = Math.min(best, (performance.now() - start) / batch);
  }
  return best;
}

/** Below this a call is too quick for its growth with size to mean anything (a length check refused it). */
const GROWTH_FLOOR_MS = 0.005;

const describeInput = (input: string) => `${JSON.stringify(input.slice(0, 14))}…`;
const fmt = (ms: number) => ms.toFixed(4).padStart(9);

const full = adversarialInputs(SIZE);
const halfSize = adversarialInputs(SIZE / 2);
const plain = (size: number) => 'x'.repeat(size);

console.log(
  `${SIZE / 1024} KiB per input, time per call in ms (fastest of ${RUNS} batches of at least ${BATCH_MS} ms);` +
    `\n"×2 size": the slowest input's time over its ${SIZE / 2048} KiB version's (2 when linear, 4 when quadratic; – under ${GROWTH_FLOOR_MS} ms, too quick to tell)\n`,
);
console.log(
  `${'parser'.padEnd(36)} ${'inputs'.padStart(6)}  ${'slowest adversarial'.padEnd(22)} ${'ms'.padStart(9)} ${'benign ms'.padStart(9)} ${'ratio'.padStart(8)}  ×2 size`,
);
let worst: { name: string; input: string; ratio: number } | undefined;
let steepest: { name: string; growth: number } | undefined;
for (const parser of parsers) {
  const benign = (parser.benign ?? plain)(SIZE);
  if (benign.length !== SIZE) throw new Error(`${parser.name}: the benign input has ${benign.length} characters, not ${SIZE}`);
  const benignMs = perCallMs(() => parser.call(benign));
  let slowest = { index: 0, ms: -1 };
  full[parser.adversarial].forEach((input, index) => {
    const ms = perCallMs(() => parser.call(input));
    if (ms > slowest.ms) slowest = { index, ms };
  });
  const input = full[parser.adversarial][slowest.index]!;
  const smaller = halfSize[parser.adversarial][slowest.index]!;
  const growth = slowest.ms < GROWTH_FLOOR_MS ? undefined : slowest.ms / perCallMs(() => parser.call(smaller));
  const ratio = slowest.ms / benignMs;
  if (worst === undefined || ratio > worst.ratio) worst = { name: parser.name, input, ratio };
  if (growth !== undefined && (steepest === undefined || growth > steepest.growth)) steepest = { name: parser.name, growth };
  console.log(
    `${parser.name.padEnd(36)} ${String(full[parser.adversarial].length).padStart(6)}  ${describeInput(input).padEnd(22)} ` +
      `${fmt(slowest.ms)} ${fmt(benignMs)} ${`${ratio.toFixed(1)}×`.padStart(8)}  ${growth?.toFixed(1) ?? '–'}`,
  );
}
if (worst !== undefined) {
  console.log(
    `\nworst ratio: ${worst.ratio.toFixed(1)}× the benign input, ${worst.name} on ${describeInput(worst.input)}; ` +
      `steepest growth: ${steepest === undefined ? 'none measured' : `${steepest.growth.toFixed(1)}× for twice the size, ${steepest.name}`}`,
  );
}
