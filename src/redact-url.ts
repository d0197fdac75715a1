/**
 * A URL with its secrets replaced by `***`, for error messages and log lines, which must never
 * show one (README, "Configuration"):
 *
 * - the password of `user:password@` — and a user name that stands alone, since some services
 *   take a token that way. Everything up to the last `@` counts as the user part, so a password
 *   with an unescaped `/`, `?` or `@` in a URL too broken to parse is hidden whole too;
 * - the value of every query parameter whose name says it is a secret: `password`,
 *   `sslpassword`, the app's own media `signature`, a presigned URL's `X-Amz-Signature`,
 *   `X-Amz-Credential` and `X-Amz-Security-Token`, any `token`, `secret` or `key`;
 * - the token of a one-time link in a request path (`/invite/{token}`, `/reset/{token}`).
 *
 * Plain string work (no URL parser, no pattern), so it also takes values that do not parse —
 * the typo it is reporting — and request paths such as `/media/…?signature=…`.
 *
 * @example
 *   redactUrl('postgress://user:hunter2@db/x')           // 'postgress://user:***@db/x'
 *   redactUrl('postgres://db/x?password=hunter2')         // 'postgres://db/x?password=***'
 *   redactUrl('/media/t/1/w480.webp?expires=9&signature=ab') // '/media/t/1/w480.webp?expires=9&signature=***'
 *   redactUrl('/reset/q8Zk…?lang=es')                      // '/reset/***?lang=es'
 */
const SECRET_NAME_PARTS = ['pass', 'secret', 'token', 'signature', 'credential'];
const SECRET_NAMES = new Set(['key', 'apikey', 'api_key', 'access_key', 'sslkey', 'sig']);
const MASK = '***';

export function redactUrl(url: string): string {
  // A request path has no user part; anything else (a setting's value) may have one.
  if (url.startsWith('/')) return redactQuery(maskLinkToken(url));
  const authority = url.indexOf('://');
  const start = authority === -1 ? 0 : authority + 3;
  const at = url.lastIndexOf('@');
  if (at < start) return redactQuery(url);
  return `${url.slice(0, start)}${maskUserInfo(url.slice(start, at))}@${redactQuery(url.slice(at + 1))}`;
}

/**
 * The paths whose last segment is a one-time link's token (an invitation, a password reset:
 * tenancy/one-time-links.ts): whoever reads it in a log could use it.
 */
const LINK_PATHS = ['/invite/', '/reset/'];

/** `/reset/{token}?lang=es` → `/reset/***?lang=es`; any other path as it was. */
function maskLinkToken(path: string): string {
  const lower = path.slice(0, 8).toLowerCase();
  const prefix = LINK_PATHS.find((p) => lower.startsWith(p));
  if (prefix === undefined) return path;
  const end = path.indexOf('?');
  return `${prefix}${MASK}${end === -1 ? '' : path.slice(end)}`;
}

/** `user:password` → `user:***`; a lone `token` → `***`. */
function maskUserInfo(userInfo: string): string {
  const colon = userInfo.indexOf(':');
  return colon === -1 ? MASK : `${userInfo.slice(0, colon)}:${MASK}`;
}

/** The secret-named parameters of the query (and fragment) masked; the rest as it was. */
function redactQuery(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return url;
  const params = url
    .slice(question + 1)
    .split('&')
    .map((param) => {
      const eq = param.indexOf('=');
      return eq !== -1 && isSecretName(param.slice(0, eq)) ? `${param.slice(0, eq)}=${MASK}` : param;
    });
  return `${url.slice(0, question)}?${params.join('&')}`;
}

function isSecretName(raw: string): boolean {
  const name = asciiUnescape(raw).toLowerCase();
  return SECRET_NAMES.has(name) || SECRET_NAME_PARTS.some((part) => name.includes(part));
}

/**
 * `%XX` escapes of ASCII characters decoded, anything else left as written: the secret names
 * are ASCII, and unlike decodeURIComponent this never throws — a log line's URL full of broken
 * escapes costs no exception per parameter.
 */
function asciiUnescape(text: string): string {
  if (!text.includes('%')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '%' ? text.slice(i + 1, i + 3) : '';
    // A first digit of 0-7: an ASCII character.
    if (/^[0-7][\da-f]$/i.test(hex)) {
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}
