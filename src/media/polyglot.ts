/**
 * Finds markup hidden in a file that otherwise sniffs as an image (a "polyglot": e.g. a JPEG
 * with `<script>` in a comment or after its end marker), so the upload can be refused.
 * Re-encoding from decoded pixels would drop such payloads anyway; refusing says so at once.
 *
 * A tag counts only as a parser reads one: its name followed by whitespace, `/`, `>` or the end
 * of the data (`<svg ` yes, `<svgA` no). Compressed image data is near random, and `<svg` in
 * any case turns up in it about once in 500 photos of 1 MiB; `<svg` and a delimiter, about 37
 * times less often.
 *
 * Two scans with the same answer, both linear:
 *
 * - sparse: every marker but one starts with `<`, and `javascript:` ends with `:`, so it visits
 *   only the `<` and `:` bytes found by Buffer.indexOf (native) — about one byte in 128 of
 *   compressed image data — and compares there: ~0.5 ms for a 1 MiB photo. Data crowded with
 *   such bytes (`<svx<svx…`, made to be slow) would cost ~35 ns a byte that way, so it gives up
 *   once it has visited twice as many of them as compressed data holds;
 * - dense: a table-driven automaton (Aho–Corasick made into a full transition table, ASCII
 *   letters folded to lower case), one table look-up per byte whatever the bytes are: ~7 ms for
 *   2 MiB of anything.
 */

const MARKERS = ['<script', '<html', '<svg', '<iframe', '<body', '<!doctype', '<?xml', 'javascript:', '<object', '<embed'];

/** What may follow a tag's name (HTML's whitespace, `/`, `>`); the end of the data counts too. */
const AFTER_TAG = new Uint8Array(256);
for (const byte of [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x2f, 0x3e]) AFTER_TAG[byte] = 1;
const endsTag = (bytes: Uint8Array, at: number): boolean => at >= bytes.length || AFTER_TAG[bytes[at]!] === 1;

/** The markup marker found (case-insensitive; the earliest in MARKERS when several are), or undefined. */
export function findMarkup(bytes: Uint8Array): string | undefined {
  const sparse = sparseScan(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return sparse === TOO_DENSE ? denseScan(bytes) : sparse;
}

// ---------------------------------------------------------------------------------------------
// The sparse scan.

const TOO_DENSE = Symbol('too dense');
const AFTER_LT = MARKERS.filter((m) => m.startsWith('<')).map((m) => Buffer.from(m, 'latin1'));
const JAVASCRIPT = Buffer.from('javascript:', 'latin1');

/** The markers that can start `<` + this byte (either case): most `<` in image data have none. */
const BY_SECOND: (Buffer[] | undefined)[] = new Array(256);
for (const marker of AFTER_LT) {
  const second = marker[1]!;
  for (const byte of second >= 0x61 && second <= 0x7a ? [second, second - 0x20] : [second]) (BY_SECOND[byte] ??= []).push(marker);
}
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

function sparseScan(buf: Buffer): string | undefined | typeof TOO_DENSE {
  // Compressed data holds a given byte about once in 256 bytes; twice that many `<` (or `:`) is
  // not an image's, and goes to the dense scan.
  const budget = 32 + (buf.length >> 7);
  const found = new Set<string>();
  let visited = 0;
  for (let i = buf.indexOf(0x3c); i !== -1; i = buf.indexOf(0x3c, i + 1)) {
    if (++visited > budget) return TOO_DENSE;
    const candidates = BY_SECOND[buf[i + 1] ?? 0];
    if (candidates === undefined) continue;
    for (const marker of candidates) {
      if (matchesAt(buf, i, marker) && endsTag(buf, i + marker.length)) found.add(marker.toString('latin1'));
    }
  }
  visited = 0;
  const colonOffset = JAVASCRIPT.length - 1;
  for (let i = buf.indexOf(0x3a, colonOffset); i !== -1 && !found.has('javascript:'); i = buf.indexOf(0x3a, i + 1)) {
    if (++visited > budget) return TOO_DENSE;
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

// ---------------------------------------------------------------------------------------------
// The dense scan.

/**
 * The automaton: `next[state * 256 + byte]`, and the markers (a bit each) that end at a state;
 * the states where one ends are numbered from `firstEnd` on, so the loop tests one number.
 */
const { next, ends, firstEnd } = numberEndsLast(buildAutomaton(MARKERS));
/** The bits of the markers that are not tags (`javascript:`). */
const NOT_A_TAG = MARKERS.reduce((bits, marker, index) => (marker.startsWith('<') ? bits : bits | (1 << index)), 0);

/** The markup marker found (case-insensitive; the earliest in MARKERS when several are), or undefined. */
function denseScan(bytes: Uint8Array): string | undefined {
  let found = 0;
  let state = 0;
  for (let i = 0; i < bytes.length; i++) {
    state = next[(state << 8) | bytes[i]!]!;
    if (state >= firstEnd) {
      // The markers that start with `<` are tags: they count only where the name ends.
      found |= endsTag(bytes, i + 1) ? ends[state]! : ends[state]! & NOT_A_TAG;
      // The first marker of the list found: no other can come before it.
      if (found & 1) break;
    }
  }
  return found === 0 ? undefined : MARKERS[31 - Math.clz32(found & -found)];
}

interface Automaton {
  next: Uint8Array;
  ends: Uint32Array;
}

function buildAutomaton(markers: readonly string[]): Automaton {
  // The trie of the markers, states numbered in the order they are made (the root is 0).
  const trie: Map<number, number>[] = [new Map()];
  const endsAt: number[] = [0];
  markers.forEach((marker, index) => {
    let state = 0;
    for (const byte of Buffer.from(marker, 'latin1')) {
      let child = trie[state]!.get(byte);
      if (child === undefined) {
        child = trie.push(new Map()) - 1;
        endsAt.push(0);
        trie[state]!.set(byte, child);
      }
      state = child;
    }
    endsAt[state]! |= 1 << index;
  });
  if (trie.length > 256) throw new RangeError('polyglot: too many marker states for a byte-sized table');
  // Breadth first, so a state's fallback (the longest proper suffix that is a trie state) is complete before its children.
  const next = new Uint8Array(trie.length * 256);
  const ends = Uint32Array.from(endsAt);
  const fallback = new Array<number>(trie.length).fill(0);
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    ends[state]! |= state === 0 ? 0 : ends[fallback[state]!]!;
    for (let byte = 0; byte < 256; byte++) {
      const lower = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
      const child = trie[state]!.get(lower);
      if (child === undefined) {
        next[(state << 8) | byte] = state === 0 ? 0 : next[(fallback[state]! << 8) | byte]!;
      } else {
        next[(state << 8) | byte] = child;
        if (byte === lower) {
          fallback[child] = state === 0 ? 0 : next[(fallback[state]! << 8) | byte]!;
          queue.push(child);
        }
      }
    }
  }
  return { next, ends };
}

/** The same automaton with the states where a marker ends numbered last (the start state stays 0). */
function numberEndsLast({ next, ends }: Automaton): Automaton & { firstEnd: number } {
  const order = [...ends.keys()].sort((a, b) => Number(ends[a] !== 0) - Number(ends[b] !== 0) || a - b);
  const renumbered = new Uint8Array(order.length);
  order.forEach((state, index) => (renumbered[state] = index));
  const moved = new Uint8Array(next.length);
  order.forEach((state, index) => {
    for (let byte = 0; byte < 256; byte++) moved[(index << 8) | byte] = renumbered[next[(state << 8) | byte]!]!;
  });
  return {
    next: moved,
    ends: Uint32Array.from(order, (state) => ends[state]!),
    firstEnd: order.findIndex((state) => ends[state] !== 0),
  };
}
