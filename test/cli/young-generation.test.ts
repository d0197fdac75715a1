/**
 * `vitrina storage migrate` runs in a child process with a 64 MB young generation
 * (bin/young-generation.js): the child gets the flag, dies with its parent even when the parent
 * is killed outright, and a child killed outright shows in the exit code even where the parent is
 * PID 1. (Ctrl-C passed on once, also from a terminal, and exit codes passed back are exercised by
 * the migration CLI tests, test/migrate/migrate-cli.test.ts.)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanEnv, PROJECT_ROOT, VITRINA_BIN } from '../support/run-cli.js';

let dataDir: string;
let silent: net.Server;
const sockets = new Set<net.Socket>();
let env: Record<string, string>;
const started: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-young-'));
  // An "S3" that accepts connections and never answers: the migration waits on it for as long as the test needs.
  silent = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  env = cleanEnv({
    DATA_DIR: dataDir,
    STORAGE_DRIVER: 'local',
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_BUCKET: 'stalled',
    S3_ACCESS_KEY: 'k',
    S3_SECRET_KEY: 's',
    S3_MAX_ATTEMPTS: '1',
  });
});

afterAll(async () => {
  for (const child of started) child.kill('SIGKILL');
  for (const socket of sockets) socket.destroy();
  silent.close();
  await rm(dataDir, { recursive: true, force: true });
});

function start(nodeArgs: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    [...nodeArgs, VITRINA_BIN, 'storage', 'migrate', '--from', 'local', '--to', 's3', '--no-progress'],
    { cwd: PROJECT_ROOT, env, stdio: 'ignore' },
  );
  started.push(child);
  return child;
}

/** The node processes `pid` started, once there is one (or none after `ms`). */
async function nodeChildren(pid: number, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    let pids: number[] = [];
    try {
      pids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map(Number);
    } catch {
      // pgrep exits 1 when there is none yet.
    }
    if (pids.length > 0 || Date.now() > deadline) return pids;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Running (a zombie waiting to be reaped by whoever adopted it is not). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}

it('runs the migration in a child process with --max-semi-space-size=64, which dies when its parent is killed', async () => {
  const parent = start([]);
  const [child] = await nodeChildren(parent.pid!, 10_000);
  expect(child, 'no child process started').toBeDefined();
  const cmdline = (await readFile(`/proc/${child}/cmdline`, 'utf8')).split('\0');
  expect(cmdline).toContain('--max-semi-space-size=64');
  expect(cmdline).toContain('migrate');

  // Once it is well under way (waiting on the store), not while it still starts up.
  await new Promise((r) => setTimeout(r, 2000));
  expect(await alive(child!)).toBe(true);
  parent.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while ((await alive(child!)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(await alive(child!), 'the child outlived its killed parent').toBe(false);
}, 30_000);

it('starts no child when the flag is given already', async () => {
  const parent = start(['--max-semi-space-size=64']);
  // Long enough for a child to have appeared (the other test sees one well within this).
  expect(await nodeChildren(parent.pid!, 1500)).toEqual([]);
  expect(parent.exitCode).toBeNull();
  parent.kill('SIGKILL');
});

it('exits 137 when the child is killed outright, even as PID 1 (a container without an init), where signalling itself does nothing', async () => {
  // PID 1 of a new PID namespace, as in `docker run`: the kernel drops signals it has no handler for.
  const ns = spawn(
    'unshare',
    ['--pid', '--fork', process.execPath, VITRINA_BIN, 'storage', 'migrate', '--from', 'local', '--to', 's3', '--no-progress'],
    { cwd: PROJECT_ROOT, env, stdio: 'ignore' },
  );
  started.push(ns);
  const exited = new Promise<number | null>((resolve) => ns.on('exit', (code) => resolve(code)));
  const [launcher] = await nodeChildren(ns.pid!, 10_000);
  expect(launcher, 'unshare started no process').toBeDefined();
  const [child] = await nodeChildren(launcher!, 10_000);
  expect(child, 'no child process started').toBeDefined();
  await new Promise((r) => setTimeout(r, 2000));
  process.kill(child!, 'SIGKILL');
  expect(await exited).toBe(128 + 9);
}, 30_000);
