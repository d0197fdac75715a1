/**
 * The one place object keys are checked. Keys are relative, slash-separated, printable
 * UTF-8 of at most 1024 bytes, with no empty, `.` or `..` segment, no backslash, no NUL or
 * other control character, and no leading slash. Both drivers call this before any I/O, so a
 * key that would be unsafe as a path on disk is also refused by S3.
 */
import { StorageError } from './storage-error.js';

const MAX_KEY_BYTES = 1024;

export function assertValidKey(key: unknown): asserts key is string {
  const reason = invalidKeyReason(key);
  if (reason !== undefined) {
    throw new StorageError('InvalidKey', `Invalid object key ${JSON.stringify(String(key)).slice(0, 120)}: ${reason}.`, {
      key: typeof key === 'string' ? key : undefined,
    });
  }
}

export function invalidKeyReason(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'it is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'it contains a NUL or control character';
  if (key.includes('\\')) return 'it contains a backslash';
  // A lone UTF-16 surrogate has no UTF-8 form: no store could name the object.
  if (/[\uD800-\uDFFF]/u.test(key)) return 'it is not valid Unicode (a lone surrogate)';
  if (key.startsWith('/') || /^[a-z]:/i.test(key)) return 'it is an absolute path';
  const segments = key.split('/');
  if (segments.some((s) => s === '')) return 'it has an empty path segment';
  if (segments.some((s) => s === '.' || s === '..')) return 'it has a "." or ".." segment';
  return undefined;
}

/** A listing prefix: empty (everything) or a valid key prefix (may end with "/"). */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? `${prefix}x` : prefix);
}
