/**
 * Whose turn it is on a request: the server's (it works on the request, or reads a body that
 * keeps coming) or the client's (the server waits for more of the body, or for the client to
 * take the answer). Two things ask: the lull detector (a request that only waits on a silent
 * client must not hold image processing back, jobs/request-activity.ts), and the idle-socket
 * timeout (only a socket that waits on its client is cut, idle-sockets.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestProbe } from '../jobs/request-activity.js';

/**
 * True while the request waits on its client: the answer is written but not yet taken, a write
 * waits for the client to read, or more body is to come and everything that came was consumed
 * (unread bytes in the request's buffer mean the server is the slow one).
 */
export function waitsOnClient(req: IncomingMessage, res: ServerResponse): boolean {
  if (res.writableEnded) return !res.writableFinished;
  if (res.writableNeedDrain) return true;
  return !req.complete && req.readableLength === 0;
}

/** The probe the lull detector samples while the request is in flight. */
export function requestProbe(req: IncomingMessage, res: ServerResponse): RequestProbe {
  // Fastify's inject() hands over a stand-in socket without byte counters.
  const socket = req.socket as Partial<Pick<typeof req.socket, 'bytesRead' | 'bytesWritten'>> | null;
  return {
    bytesMoved: () => (socket?.bytesRead ?? 0) + (socket?.bytesWritten ?? 0),
    waitsOnClient: () => waitsOnClient(req, res),
  };
}
