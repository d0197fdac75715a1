/**
 * What a client gets when its request never became one: it arrived too slowly
 * (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS), its headers were too large, or it was not
 * HTTP. No route or hook has run, so the answer is written on the socket here — in the API's
 * error shape, with the table's code and message — and the connection is closed.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_TABLE, type ErrorCode } from '../errors.js';

export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  // The client went away: nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'RequestTimeout' : err.code === 'HPE_HEADER_OVERFLOW' ? 'HeadersTooLarge' : 'BadRequest';
  const { status, message } = ERROR_TABLE[code];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nCache-Control: no-store\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
