/**
 * Each request's id, as logged (`reqId`): made here, unless a trusted proxy (TRUST_PROXY) sent
 * an X-Request-Id that is short and plain — then the proxy's logs and ours share it. From anyone
 * else the header is ignored: an id chosen by a client could forge or muddle log lines.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ProxyTrust } from './trusted-proxy.js';

const MAX_LENGTH = 128;
/** Letters, digits and `_ . : -`: what proxies put there (UUIDs, hex, nginx's $request_id). */
const PLAIN = /^[\w.:-]+$/;

export function requestIdMaker(trust: ProxyTrust): (req: IncomingMessage) => string {
  return (req) => {
    const given = req.headers['x-request-id'];
    // The length first: no pattern ever sees a long header.
    if (
      typeof given === 'string' &&
      given.length > 0 &&
      given.length <= MAX_LENGTH &&
      PLAIN.test(given) &&
      trust(req.socket.remoteAddress, 0)
    ) {
      return given;
    }
    // Unique across instances, unlike Fastify's per-process counter.
    return randomUUID();
  };
}
