/**
 * Whether a piece of text a client sent can be stored and shown as it was typed. Checked where
 * input enters (product fields, the search box, the sign-up form), so the database never sees:
 *
 * - a NUL: PostgreSQL refuses it in any text value (SQLSTATE 22021), which used to surface as
 *   a 500;
 * - other control characters (C0, DEL, C1): invisible, and meaningless in a name or a search;
 * - a lone UTF-16 surrogate (only a JSON `\ud800` escape makes one): the driver would store it
 *   as U+FFFD, silently changing what was sent.
 *
 * One pass over the characters, no pattern: linear in the length, whatever the input.
 *
 * @example
 *   isPlainText('Green tea')                         // true
 *   isPlainText('Green\u0000tea')                    // false
 *   isPlainText('Line 1\nLine 2', { lineBreaks: true }) // true: a description may have line breaks
 */
export function isPlainText(text: string, options: { lineBreaks?: boolean } = {}): boolean {
  const lineBreaks = options.lineBreaks === true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      // Tab, line feed and carriage return are how a textarea's lines arrive.
      if (lineBreaks && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return false;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++; // the pair is one character
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}
