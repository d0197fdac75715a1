/**
 * Names text content that `file-type` (magic numbers only) leaves unnamed, so a refusal can
 * say what the file really is ("File type not allowed: image/svg+xml") and so that markup is
 * never mistaken for an image. Looks at the start of the file only, like a browser sniffer.
 */

const HEAD_BYTES = 4096;
const HTML_START = /^<(?:!doctype\s+html|html|head|body|script|iframe|style|title|meta|div|p|a|img|br|table|h1)[\s>/]/i;

/** `image/svg+xml`, `text/html`, `application/xml`, `application/json`, `text/plain` or undefined (binary). */
export function sniffText(bytes: Uint8Array): string | undefined {
  const head = decodeHead(bytes);
  if (head === undefined) return undefined;
  const text = head.replace(/^\uFEFF/, '').trimStart();
  const markup = skipProlog(text);
  if (/^<svg[\s>/]/i.test(markup)) return 'image/svg+xml';
  if (HTML_START.test(markup)) return 'text/html';
  if (text.startsWith('<?xml')) return /<svg[\s>/]/i.test(text) ? 'image/svg+xml' : 'application/xml';
  if (/^[[{]/.test(text) && looksLikeJson(bytes)) return 'application/json';
  return 'text/plain';
}

/** Skips an XML declaration, comments and a non-HTML doctype so `<svg` behind them is found. */
function skipProlog(text: string): string {
  let rest = text;
  for (;;) {
    const m = /^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype\s(?!\s*html)[^>]*>)\s*/i.exec(rest);
    if (!m) return rest;
    rest = rest.slice(m[0].length);
  }
}

/** The first bytes as text, or undefined when they are binary (NUL or other C0 controls, bad UTF-8). */
function decodeHead(bytes: Uint8Array): string | undefined {
  let head = bytes.subarray(0, HEAD_BYTES);
  // Don't call a file binary because the cut fell inside a multi-byte character.
  if (bytes.length > HEAD_BYTES) head = head.subarray(0, lastCharBoundary(head));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return /[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(text) ? undefined : text;
}

function lastCharBoundary(head: Uint8Array): number {
  let end = head.length;
  for (let i = head.length - 1; i >= Math.max(0, head.length - 4); i--) {
    const byte = head[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    if (byte >= 0xc0) end = i; // lead byte of a possibly cut character
    break;
  }
  return end;
}

function looksLikeJson(bytes: Uint8Array): boolean {
  if (bytes.length > 1_000_000) return true;
  try {
    JSON.parse(Buffer.from(bytes).toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
