/**
 * Runs the real `vitrina` binary (bin/vitrina.js) in a child process, as an operator would.
 * For a command's options, usage errors and output, cli-in-process.ts runs the same commander
 * program in the test's own process, much faster; spawn where the process boundary is what is
 * tested (exit codes, stdin, a server's start and stop, what a crash prints).
 *
 * @example
 *   const run = await vitrina(['db', 'migrate'], { DATABASE_URL: url });
 *   expect(run.code).toBe(0);
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VITRINA_BIN = 'bin/vitrina.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * What every child starts with unless `env` says otherwise: scrypt at N=2^14 instead of 2^17
 * (tests sign up and log in many times; hashing has tests of its own). Give the variable as
 * `undefined` for the product's default.
 */
const CHILD_DEFAULTS: Readonly<Record<string, string>> = { PASSWORD_HASH_COST: '14' };

/**
 * The parent's environment without any Vitrina setting, so only `env` configures the child
 * (beside {@link CHILD_DEFAULTS}); a variable given as `undefined` is left out.
 */
export function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(?:DATABASE_URL|DATA_DIR|S3_|AWS_|STORAGE_|PORT$|HOST$|APP_URL|SECRET_KEY)/.test(k)),
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...base, ...CHILD_DEFAULTS, ...env })) if (v !== undefined) out[k] = v;
  return out;
}

export function vitrina(args: string[], env: Record<string, string | undefined>, options: { timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITRINA_BIN, ...args],
      { cwd: PROJECT_ROOT, env: cleanEnv(env), timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** How long `vitrina serve` may take to answer /healthz: a cold start through tsx on a loaded machine. */
const START_TIMEOUT_MS = 30_000;

/** Starts `vitrina serve` and resolves once /healthz answers; stderr and stdout are collected. */
export async function startServer(
  env: Record<string, string | undefined>,
  baseUrl: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [VITRINA_BIN, 'serve'], {
    cwd: PROJECT_ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // A server that exits while starting fails the start at once, not at the timeout.
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`vitrina serve exited with ${code ?? signal}:\n${output}`))),
  );
  exited.catch(() => undefined);
  const answers = waitFor(
    async () => {
      // Gone: `exited` has already failed the start; stop asking.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
    },
    { timeout: START_TIMEOUT_MS, interval: 100 },
  );
  try {
    await Promise.race([answers, exited]);
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // The child's output says why; the last /healthz error only says that it did not answer.
    throw err instanceof Error && err.message.startsWith('vitrina serve exited')
      ? err
      : new Error(`vitrina serve did not answer /healthz within ${START_TIMEOUT_MS / 1000} s:\n${output}`, { cause: err });
  }
  return { child, output: () => output };
}
