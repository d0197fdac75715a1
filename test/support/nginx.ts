/**
 * Debian's nginx as a round-robin load balancer in front of several app instances, run from
 * a temp folder of its own (config, pid, logs) on a free loopback port, as an unprivileged
 * foreground process the test stops itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/free-port.js';
import { waitFor } from './wait-for.js';

export { freePort };

export interface Nginx {
  url: string;
  accessLog(): Promise<string>;
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? 'nginx';

/** Starts nginx on `port` (free, chosen by the caller so instances can know their APP_URL first). */
export async function startNginx(upstreamPorts: number[], port: number): Promise<Nginx> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vitrina-nginx-'));
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 32m;
  upstream vitrina { ${upstreamPorts.map((p) => `server 127.0.0.1:${p};`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://vitrina;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_request_buffering off;
    }
  }
}
`;
  await writeFile(path.join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  // Ready = accepting connections (a request now would already count against the upstreams).
  let exited = false;
  await waitFor(
    async () => {
      // An nginx that exited is not waited for: the check passes and the start fails below.
      exited = child.exitCode !== null;
      if (!exited && !(await accepts(port))) throw new Error(`nginx did not listen on ${port}: ${stderr}`);
    },
    { timeout: 5000, interval: 50 },
  );
  if (exited) throw new Error(`nginx exited: ${stderr}`);
  return {
    url,
    accessLog: () => readFile(path.join(dir, 'access.log'), 'utf8'),
    errorLog: () => readFile(path.join(dir, 'error.log'), 'utf8').catch(() => ''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
