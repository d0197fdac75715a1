/**
 * GETs one image over HTTP(S) the way `import legacy` may. Every address is checked
 * (network-address.ts) — an IP literal before connecting, a name after resolving it, through
 * checkedLookup so the socket connects to the very address that was checked — and again at
 * every redirect, which are followed here (at most 5) rather than by the HTTP client. Three time
 * limits really end the request: connecting, the answer's headers, and the whole body (a server
 * that trickles a byte now and then is cut off at the body limit, not kept for minutes).
 * Nothing of ours is sent: a GET with its Host header, no credentials, no cookies.
 *
 * @example
 *   const bytes = await checkedFetch(new URL('https://cdn.example.com/p/1.jpg'), { maxBytes: 2 << 20, allowPrivateNetwork: false, signal });
 * @throws AppError Forbidden (an address refused) | NotFound (HTTP 404) | TooLarge | Unavailable
 *   (a time limit, an HTTP error, the network) | Aborted (`signal` fired); messages name no image:
 *   the caller says which one ("refused: 127.0.0.1 is a loopback address; use --allow-private-network …")
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { AppError, isAppError } from '../../errors.js';
import { abortError, readWithLimit, tooLargeError } from '../../media/size-limit.js';
import { AddressRefusedError, checkedLookup, systemResolve, type AddressCheck, type Resolve } from './checked-lookup.js';
import { deadline } from './deadline.js';
import { addressRefusal } from './network-address.js';

export interface FetchTimeouts {
  /** Milliseconds to resolve the name and connect, per hop. */
  connectMs: number;
  /** Milliseconds from the start of the request to the answer's headers, per hop. */
  headersMs: number;
  /** Milliseconds for the whole body, from its headers to its last byte. */
  bodyMs: number;
}

export const DEFAULT_FETCH_TIMEOUTS: Readonly<FetchTimeouts> = Object.freeze({ connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 });
export const MAX_REDIRECTS = 5;

export interface CheckedFetchOptions {
  /** The upload size limit: a larger body is refused as it arrives. */
  maxBytes: number;
  /** Let loopback, private and link-local addresses through (--allow-private-network). */
  allowPrivateNetwork: boolean;
  timeouts?: Partial<FetchTimeouts> | undefined;
  /** Ctrl-C: ends the request at once. */
  signal?: AbortSignal | undefined;
  /** How names are resolved (default: the system's resolver); tests map names to addresses. */
  resolve?: Resolve | undefined;
  /** Which addresses may be connected to (default: addressRefusal); tests vary it per host. */
  checkAddress?: AddressCheck | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HINT = '; use --allow-private-network to import from your own network';

class FetchTimeoutError extends Error {
  override readonly name = 'FetchTimeoutError';
  constructor(readonly phase: 'connect' | 'headers') {
    super(`${phase} timeout`);
  }
}

export async function checkedFetch(url: URL, options: CheckedFetchOptions): Promise<Buffer> {
  const timeouts = { ...DEFAULT_FETCH_TIMEOUTS, ...options.timeouts };
  const check = options.checkAddress ?? ((address: string) => addressRefusal(address, options.allowPrivateNetwork));
  const lookup = checkedLookup(options.resolve ?? systemResolve, check);
  let current = url;
  for (let hop = 0; ; hop++) {
    const where = hop === 0 ? '' : ` (redirected to ${current.href})`;
    let res: IncomingMessage;
    try {
      res = await get(current, timeouts, check, lookup, options.signal);
    } catch (err) {
      throw requestError(err, current, hop > 0, where, timeouts, options.signal);
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location !== undefined) {
      res.destroy();
      if (hop === MAX_REDIRECTS) throw new AppError('Unavailable', `could not be fetched: more than ${MAX_REDIRECTS} redirects${where}`);
      current = nextHop(location, current);
      continue;
    }
    return readBody(res, status, where, timeouts.bodyMs, options);
  }
}

/** One request, to its response's headers. IP literals are checked here: net resolves only names. */
function get(
  url: URL,
  timeouts: FetchTimeouts,
  check: AddressCheck,
  lookup: ReturnType<typeof checkedLookup>,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const refusal = isIP(host) === 0 ? undefined : check(host, host);
  if (refusal !== undefined) return Promise.reject(new AddressRefusedError(refusal, undefined));
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    // agent: false: a connection of its own, so no pooled socket skips the lookup or outlives the import.
    const req = (url.protocol === 'https:' ? https : http).request(url, { agent: false, lookup });
    const connectTimer = setTimeout(() => req.destroy(new FetchTimeoutError('connect')), timeouts.connectMs);
    const headersTimer = setTimeout(() => req.destroy(new FetchTimeoutError('headers')), timeouts.headersMs);
    const onAbort = (): void => void req.destroy(signal!.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      clearTimeout(connectTimer);
      clearTimeout(headersTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    req.once('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.once('response', (res) => {
      settle();
      resolve(res);
    });
    req.once('error', (err) => {
      settle();
      reject(err);
    });
    req.end();
  });
}

function nextHop(location: string, from: URL): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new AppError(
      'Unavailable',
      `could not be fetched: it redirects to ${JSON.stringify(location.slice(0, 200))}, which is not a URL`,
    );
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    throw new AppError('Unavailable', `could not be fetched: it redirects to ${next.href.slice(0, 200)}, which is not an http(s) URL`);
  return next;
}

async function readBody(
  res: IncomingMessage,
  status: number,
  where: string,
  bodyMs: number,
  options: CheckedFetchOptions,
): Promise<Buffer> {
  try {
    if (status === 404) throw new AppError('NotFound', `not found (HTTP 404)${where}`);
    if (status < 200 || status > 299) {
      const hint =
        status === 403
          ? "; if it is in the old app's private bucket, give that S3's endpoint and credentials (--source-env, or --source-endpoint with the keys)"
          : '';
      throw new AppError('Unavailable', `could not be fetched (HTTP ${status})${where}${hint}`);
    }
    const length = Number(res.headers['content-length'] ?? NaN);
    if (Number.isFinite(length) && length > options.maxBytes) throw tooLargeError(options.maxBytes);
    const limit = deadline(bodyMs, options.signal);
    try {
      return await readWithLimit(res, options.maxBytes, limit.signal);
    } catch (err) {
      if (options.signal?.aborted) throw abortError(options.signal);
      if (limit.expired())
        throw new AppError(
          'Unavailable',
          `could not be fetched${where}: the image took longer than ${seconds(bodyMs)} to arrive (the limit for one image)`,
          { cause: err },
        );
      if (isAppError(err)) throw err;
      throw new AppError('Unavailable', `could not be fetched${where}: the connection ended before the image did`, { cause: err });
    } finally {
      limit.clear();
    }
  } finally {
    res.destroy();
  }
}

function requestError(
  err: unknown,
  url: URL,
  redirected: boolean,
  where: string,
  timeouts: FetchTimeouts,
  signal: AbortSignal | undefined,
): AppError {
  if (signal?.aborted) return abortError(signal);
  if (err instanceof AddressRefusedError) {
    const text = redirected ? `it redirects to ${url.href}, and ${err.message}` : err.message;
    return new AppError('Forbidden', `refused: ${text}${err.refusal.overridable ? HINT : ''}`, { cause: err });
  }
  if (err instanceof FetchTimeoutError) {
    const what =
      err.phase === 'connect'
        ? `no connection to ${url.host} within ${seconds(timeouts.connectMs)}`
        : `no answer within ${seconds(timeouts.headersMs)}`;
    return new AppError('Unavailable', `could not be fetched${where}: ${what}`, { cause: err });
  }
  const code = (err as NodeJS.ErrnoException).code;
  const what =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `the name ${url.hostname} was not found`
      : code === 'ECONNREFUSED'
        ? `${url.host} refused the connection`
        : (err as Error).message;
  return new AppError('Unavailable', `could not be fetched${where}: ${what}`, { cause: err });
}

/** 200 → "0.2 s", 30000 → "30 s". */
function seconds(ms: number): string {
  return `${ms / 1000} s`;
}
