/**
 * A TCP proxy on 127.0.0.1 that holds back every answer from its target for `delayMs` (0 by
 * default: a plain pass-through): an object store that is slow to answer, while the app's
 * client socket sits silent and the server works.
 *
 * @example
 *   const proxy = await startDelayProxy(new URL('http://127.0.0.1:7490'));
 *   proxy.delayMs = 800;   // S3_ENDPOINT=proxy.url now answers 0.8 s late
 */
import net from 'node:net';

export interface DelayProxy {
  readonly url: string;
  delayMs: number;
  close(): Promise<void>;
}

export async function startDelayProxy(target: URL): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: DelayProxy = { url: '', delayMs: 0, close: async () => {} };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    // Each chunk waits its turn, so the answer keeps its order whatever the delay.
    let queue = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      const delay = proxy.delayMs;
      queue = queue.then(() => new Promise<void>((resolve) => setTimeout(resolve, delay))).then(() => void client.write(chunk));
    });
    client
      .on('error', () => undefined)
      .on('close', () => {
        sockets.delete(client);
        upstream.destroy();
      });
    // What the target said before it closed still goes out, in its turn.
    upstream
      .on('error', () => undefined)
      .on('close', () => {
        sockets.delete(upstream);
        void queue.then(() => client.end());
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}
