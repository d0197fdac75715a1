/**
 * What an error page says, in the page's language. AppErrors carry English messages meant for
 * API clients and logs; a page shows the same text translated when the message is one of the
 * pages' own texts (`Wrong email or password` → its key), and otherwise the text for the
 * error's code or status — never an English sentence on a Spanish page.
 *
 * @example
 *   pageMessage({ status: 404, code: 'NotFound', message: 'There is no such product.' }) // msg('errors.not_found')
 */
import { en, msg, type MessageKey, type Msg } from './i18n/index.js';
import type { RenderedError } from './error-handler.js';

/** Each code of the error table (and Fastify's own) to the page text that explains it. */
const KEY_FOR_CODE: Readonly<Record<string, MessageKey>> = {
  BadRequest: 'errors.bad_request',
  InvalidKey: 'errors.bad_request',
  Unauthorized: 'errors.unauthorized',
  Forbidden: 'errors.forbidden',
  NotFound: 'errors.not_found',
  ObjectNotFound: 'errors.not_found',
  Conflict: 'errors.conflict',
  TooLarge: 'errors.too_large',
  UnsupportedMediaType: 'errors.unsupported_type',
  Unprocessable: 'errors.unprocessable',
  RequestTimeout: 'errors.request_timeout',
  HeadersTooLarge: 'errors.headers_too_large',
  Unavailable: 'errors.unavailable',
  StoreUnreachable: 'errors.store',
  AccessDenied: 'errors.store',
  BadCredentials: 'errors.store',
  BucketMissing: 'errors.store',
  StoreError: 'errors.store',
  Internal: 'errors.internal',
};

/** The same by status, for codes not in the table (Fastify's, a plugin's). */
const KEY_FOR_STATUS: Readonly<Record<number, MessageKey>> = {
  400: 'errors.bad_request',
  401: 'errors.unauthorized',
  403: 'errors.forbidden',
  404: 'errors.not_found',
  405: 'errors.method_not_allowed',
  408: 'errors.request_timeout',
  409: 'errors.conflict',
  413: 'errors.too_large',
  415: 'errors.unsupported_type',
  416: 'errors.range',
  422: 'errors.unprocessable',
  431: 'errors.headers_too_large',
  503: 'errors.unavailable',
};

/** English page texts without placeholders, by their text: an AppError raised with one of them shows its translation. */
let keyForText: Map<string, MessageKey> | undefined;

function knownText(text: string): MessageKey | undefined {
  if (keyForText === undefined) {
    keyForText = new Map();
    for (const [key, value] of Object.entries(en) as [MessageKey, string][]) {
      if (!value.includes('{') && !keyForText.has(value)) keyForText.set(value, key);
    }
  }
  return keyForText.get(text);
}

export function pageMessage(rendered: Pick<RenderedError, 'status' | 'code' | 'message' | 'refusedValue' | 'frameworkCode'>): Msg {
  if (rendered.frameworkCode === 'FST_ERR_BAD_URL') return msg('errors.bad_url');
  if (rendered.refusedValue) return msg('errors.refused_value');
  if (rendered.status >= 500 && rendered.status !== 503) {
    return msg(rendered.status === 500 ? 'errors.internal' : (KEY_FOR_CODE[rendered.code] ?? 'errors.internal'));
  }
  const known = knownText(rendered.message);
  if (known !== undefined) return msg(known);
  return msg(
    KEY_FOR_STATUS[rendered.status] ??
      KEY_FOR_CODE[rendered.code] ??
      (rendered.status >= 500 ? 'errors.unavailable' : 'errors.bad_request'),
  );
}
