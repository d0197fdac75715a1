/**
 * HTTP_RESPONSE_TIMEOUT_MS: a response not finished that long after its request arrived has
 * its socket destroyed. The idle timeout (idle-sockets.ts) cannot see a client that reads a
 * large answer one TCP window at a time — every chunk it takes lets the next write through and
 * re-arms the socket timer — so such a client could hold a socket, and the file handle of a
 * local-disk media GET, for as long as it liked. This bounds the whole exchange instead.
 *
 * @example
 *   cutLateResponses(app, config.http.responseTimeoutMs);   // once, as the app is built
 */
import type { FastifyInstance } from 'fastify';

export function cutLateResponses(app: FastifyInstance, deadlineMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const timer = setTimeout(() => {
      if (reply.raw.writableFinished) return;
      request.log.warn(
        { event: 'response-deadline', deadlineMs, bytesWritten: request.raw.socket?.bytesWritten },
        'response not finished within HTTP_RESPONSE_TIMEOUT_MS: connection closed',
      );
      request.raw.socket?.destroy();
    }, deadlineMs);
    // The deadline alone must not keep the process alive at shutdown.
    timer.unref();
    // 'close' comes for every response, sent in full or cut off.
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
}
