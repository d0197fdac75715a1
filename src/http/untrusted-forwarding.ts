/**
 * A warning for a proxy nobody told us about. With TRUST_PROXY off, X-Forwarded-For is ignored
 * (any client could write it), which is right when clients connect directly; behind a proxy it
 * means every client has the proxy's address: one log-in or sign-up count for everyone, and logs
 * that cannot tell clients apart. Nothing here can tell the two cases apart for sure, so the
 * first request with the header is logged once per process, with what to set.
 */
import type { FastifyInstance } from 'fastify';
import type { TrustProxy } from '../config.js';

/** Per process: one line is enough, however many apps or requests. */
const processState = { warned: false };

export function warnOnUntrustedForwarding(app: FastifyInstance, trustProxy: TrustProxy, state = processState): void {
  if (trustProxy !== false) return;
  app.addHook('onRequest', (request, _reply, done) => {
    if (!state.warned && request.headers['x-forwarded-for'] !== undefined) {
      state.warned = true;
      request.log.warn(
        { event: 'untrusted-forwarded-for', peer: request.socket.remoteAddress },
        'X-Forwarded-For ignored because TRUST_PROXY is off: behind a proxy, every client shares its address (log-in throttling, logs); set TRUST_PROXY to the proxy address or range, or 1 for one hop',
      );
    }
    done();
  });
}
