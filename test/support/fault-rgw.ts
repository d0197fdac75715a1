/**
 * A Ceph RGW of a test file's (or a benchmark's) own, for fault tests that stop and restart the
 * S3 gateway without disturbing the shared one other test files use at the same time. The cluster
 * (monitor, OSD) keeps running; only the gateway — the S3 endpoint — goes away and comes back,
 * so objects written before the outage are still there after it.
 *
 * @example
 *   const rgw = await startFaultRgw('outage', 7495);
 *   await rgw.stopGateway();   // S3 connections now fail
 *   await rgw.startGateway();
 *   await rgw.shutdown();      // the whole cluster, and its folder
 *
 * A run that is interrupted while the cluster starts can still remove it: `removeFaultRgw(label)`.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './run-cli.js';

const exec = promisify(execFile);

export interface FaultRgw {
  endpoint: string;
  env: Record<string, string>;
  stopGateway(): Promise<void>;
  startGateway(): Promise<void>;
  shutdown(): Promise<void>;
}

// Polled with plain sleeps, not wait-for.ts: bench/fallback.bench.ts runs this outside vitest, where vi.waitFor cannot run.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200 || res.status === 403;
  } catch {
    return false;
  }
}

const scripts = path.join(PROJECT_ROOT, 'scripts/rgw');

/** The folder the cluster of `label` lives in (`.rgw-{label}` in the checkout, git-ignored). */
export function faultRgwDir(label: string): string {
  return path.join(PROJECT_ROOT, `.rgw-${label}`);
}

/** Stops every daemon of the cluster of `label` (by the PIDs it recorded) and deletes its folder; never throws. */
export async function removeFaultRgw(label: string): Promise<void> {
  const dir = faultRgwDir(label);
  if (!existsSync(dir)) return;
  await exec('bash', [path.join(scripts, 'stop-rgw.sh'), dir], { env: { ...process.env, PURGE: '1' }, timeout: 60_000 }).catch(
    () => undefined,
  );
}

/** Bootstraps a fresh cluster in {@link faultRgwDir} with its gateway on 127.0.0.1:`port` (monitor on `port` - 4100 and the next one). */
export async function startFaultRgw(label: string, port: number): Promise<FaultRgw> {
  const dir = faultRgwDir(label);
  const { stdout } = await exec('bash', [path.join(scripts, 'start-rgw.sh'), dir], {
    env: { ...process.env, RGW_PORT: String(port), MON_PORT: String(port - 4100), FRESH: '1' },
    timeout: 120_000,
  });
  const env = Object.fromEntries(
    stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const endpoint = env.S3_ENDPOINT!;
  const pidFile = path.join(dir, 'pids', 'rgw.pid');

  return {
    endpoint,
    env,
    async stopGateway() {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      if (!alive(pid)) return;
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 200 && alive(pid); i++) await sleep(50);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100 && (await answers(endpoint)); i++) await sleep(50);
    },
    async startGateway() {
      if (await answers(endpoint)) return;
      const log = openSync(path.join(dir, 'log', 'rgw.out'), 'a');
      const child = spawn('radosgw', ['--conf', path.join(dir, 'ceph.conf'), '-n', 'client.rgw.gw', '-f'], {
        detached: true,
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      child.unref();
      writeFileSync(pidFile, String(child.pid));
      for (let i = 0; i < 600; i++) {
        if (await answers(endpoint)) return;
        await sleep(100);
      }
      throw new Error(`the test gateway on ${endpoint} did not come back within 60 s`);
    },
    shutdown: () => removeFaultRgw(label),
  };
}
