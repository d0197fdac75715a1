/**
 * The web server's limits on its clients and whom it believes, from HttpConfig: Fastify's
 * socket-level timeouts (applied to the server `listen` starts, in `vitrina serve` and in tests
 * alike) and the answer to a request they cut off, the proxies whose X-Forwarded-For counts, and
 * how request ids are made.
 */
import type { FastifyServerOptions } from 'fastify';
import type { ServerOptions } from 'node:http';
import type { HttpConfig } from '../config.js';
import { clientErrorHandler } from './client-errors.js';
import { requestIdMaker } from './request-id.js';
import { proxyTrust } from './trusted-proxy.js';

export function serverOptions(http: HttpConfig): FastifyServerOptions & { http: ServerOptions } {
  const trust = proxyTrust(http.trustProxy);
  return {
    // Node's socket idle timer; idle-sockets.ts decides which idle sockets are cut.
    connectionTimeout: http.idleTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      // Node enforces the two timeouts above only when it sweeps its connections (every 30 s by
      // default), so a sweep every second (or a quarter of the headers timeout) keeps them honest.
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(http.headersTimeoutMs / 4))),
    },
    // A request cut off by those timeouts is answered 408 in the API's error shape.
    clientErrorHandler,
    trustProxy: http.trustProxy === false ? false : trust,
    genReqId: requestIdMaker(trust),
  };
}
