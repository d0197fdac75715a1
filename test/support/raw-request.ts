/**
 * An HTTP request written by hand on a socket to 127.0.0.1, for the clients a browser is not:
 * one that sends its headers and part of a body and then goes silent, or trickles bytes.
 *
 * @example
 *   const req = await rawRequest(baseUrl, 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n\r\nemail=');
 *   const { afterMs, response } = await req.closed;   // the server cut it off
 */
import net from 'node:net';

export interface RawRequest {
  /** Writes more of the request; resolves once it is handed to the OS. */
  write(bytes: string | Buffer): Promise<void>;
  /** True until either side closes the connection. */
  readonly open: boolean;
  /** When the connection closes: ms after the last write, and what the server answered (maybe nothing). */
  readonly closed: Promise<{ afterMs: number; response: string }>;
  destroy(): void;
}

export async function rawRequest(baseUrl: string, head: string | Buffer): Promise<RawRequest> {
  const socket = net.connect(Number(new URL(baseUrl).port), '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let response = '';
  let lastWrite = performance.now();
  let open = true;
  socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<{ afterMs: number; response: string }>((resolve) =>
    socket.once('close', () => {
      open = false;
      resolve({ afterMs: performance.now() - lastWrite, response });
    }),
  );
  const write = (bytes: string | Buffer) =>
    new Promise<void>((resolve, reject) =>
      socket.write(bytes, (err) => {
        lastWrite = performance.now();
        if (err) reject(err);
        else resolve();
      }),
    );
  await write(head);
  return {
    write,
    get open() {
      return open;
    },
    closed,
    destroy: () => socket.destroy(),
  };
}
