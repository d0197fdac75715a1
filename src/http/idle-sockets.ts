/**
 * HTTP_IDLE_TIMEOUT_MS: a socket on which nothing has moved for that long is closed — a client
 * that sent its headers and half a body and went silent holds nothing for minutes — unless the
 * server itself is working on the socket's request (a slow store put, say): its own timeouts
 * bound that, and the client is owed the answer.
 *
 * Fastify's `connectionTimeout` arms Node's socket timer; Node destroys the idle socket itself
 * only when nobody listens to the server's 'timeout' event, so the listener here decides.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { waitsOnClient } from './client-wait.js';

export function cutIdleSockets(app: FastifyInstance): void {
  // The request each socket is on now (keep-alive sockets carry one after another).
  const current = new WeakMap<object, { req: IncomingMessage; res: ServerResponse }>();
  app.addHook('onRequest', (request, reply, done) => {
    const socket = request.raw.socket;
    const entry = { req: request.raw, res: reply.raw };
    current.set(socket, entry);
    reply.raw.once('close', () => {
      if (current.get(socket) === entry) current.delete(socket);
    });
    done();
  });
  app.server.on('timeout', (socket: Socket) => {
    const entry = current.get(socket);
    if (entry !== undefined && !waitsOnClient(entry.req, entry.res)) return;
    socket.destroy();
  });
}
