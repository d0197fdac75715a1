/**
 * Finds markup hidden in a file that otherwise sniffs as an image (a "polyglot": e.g. a JPEG
 * with `<script>` in a comment or after its end marker), so the upload can be refused.
 * Re-encoding from decoded pixels would drop such payloads anyway; refusing says so at once.
 *
 * Every marker but one starts with `<`, so the scan visits only the `<` (and `:`) bytes found by
 * Buffer.indexOf — about one byte in 300 of compressed image data — and looks further only where
 * the next byte (the one before, for `:`) could begin a marker: ~0.4 ms for 1 MiB.
 */

const MARKERS = ['<script', '<html', '<svg', '<iframe', '<body', '<!doctype', '<?xml', 'javascript:', '<object', '<embed'];
const AFTER_LT = MARKERS.filter((m) => m.startsWith('<')).map((m) => Buffer.from(m, 'latin1'));
const JAVASCRIPT = Buffer.from('javascript:', 'latin1');

/** Bytes, either case, that can follow `<` in a marker: most `<` in image data fail this one look. */
const AFTER_LT_FIRST = caseTable(AFTER_LT.map((m) => m[1]!));
/** `javascript:` ends in `t:`; the byte before a `:` must be a `t`. */
const BEFORE_COLON = caseTable([0x74]);

function caseTable(lowercase: number[]): Uint8Array {
  const table = new Uint8Array(256);
  for (const byte of lowercase) {
    table[byte] = 1;
    if (byte >= 0x61 && byte <= 0x7a) table[byte - 0x20] = 1;
  }
  return table;
}

/** The markup marker found (case-insensitive; the earliest in MARKERS when several are), or undefined. */
export function findMarkup(bytes: Uint8Array): string | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = new Set<string>();
  for (let i = buf.indexOf(0x3c); i !== -1; i = buf.indexOf(0x3c, i + 1)) {
    if (AFTER_LT_FIRST[buf[i + 1] ?? 0] !== 1) continue;
    const marker = AFTER_LT.find((m) => matchesAt(buf, i, m));
    if (marker !== undefined) found.add(marker.toString('latin1'));
  }
  const colonOffset = JAVASCRIPT.length - 1;
  for (let i = buf.indexOf(0x3a, colonOffset); i !== -1 && !found.has('javascript:'); i = buf.indexOf(0x3a, i + 1)) {
    if (BEFORE_COLON[buf[i - 1]!] === 1 && matchesAt(buf, i - colonOffset, JAVASCRIPT)) found.add('javascript:');
  }
  return MARKERS.find((m) => found.has(m));
}

/** `marker` (lowercase) at `at`, ignoring the case of ASCII letters. */
function matchesAt(buf: Buffer, at: number, marker: Buffer): boolean {
  if (at < 0 || at + marker.length > buf.length) return false;
  for (let k = 0; k < marker.length; k++) {
    const byte = buf[at + k]!;
    const lower = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
    if (lower !== marker[k]) return false;
  }
  return true;
}
