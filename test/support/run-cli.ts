/** Runs the real `vitrina` binary (bin/vitrina.js) in a child process, as an operator would. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VITRINA_BIN = 'bin/vitrina.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The parent's environment without any Vitrina setting, so only `env` configures the child. */
export function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(?:DATABASE_URL|DATA_DIR|S3_|AWS_|STORAGE_|PORT$|HOST$|APP_URL|SECRET_KEY)/.test(k)),
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...base, ...env })) if (v !== undefined) out[k] = v;
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
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vitrina serve exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return { child, output: () => output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vitrina serve did not answer /healthz within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
