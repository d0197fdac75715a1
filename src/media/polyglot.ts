/**
 * Finds markup hidden in a file that otherwise sniffs as an image (a "polyglot": e.g. a JPEG
 * with `<script>` in a comment or after its end marker). Re-encoding from decoded pixels drops
 * such payloads anyway; this scan lets a stricter deployment refuse them outright and lets
 * tests prove that stored bytes are clean.
 */

const MARKERS = ['<script', '<html', '<svg', '<iframe', '<body', '<!doctype', '<?xml', 'javascript:', '<object', '<embed'];

/** The first markup marker found (case-insensitive), or undefined. */
export function findMarkup(bytes: Uint8Array): string | undefined {
  // latin1 maps bytes 1:1 to chars, so a plain indexOf scans the whole file quickly.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').toLowerCase();
  return MARKERS.find((marker) => text.includes(marker));
}
