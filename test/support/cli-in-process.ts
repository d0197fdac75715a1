/**
 * Runs a `vitrina` command in the test's own process: the commands' commander program as
 * src/cli/main.ts builds it (exitOverride, the same error lines and exit codes), with the
 * environment the binary would get (run-cli.ts `cleanEnv`), stdout and stderr captured and the
 * exit code returned instead of ending the process. About a hundred times faster than spawning
 * `bin/vitrina.js`, which stays for what only a process shows (run-cli.ts).
 *
 * The test names the commands it runs (their `register…` functions), as main.ts loads only the
 * command named. Runs are serialised: each one owns `process.env`, `process.exitCode` and the
 * writes to stdout/stderr while it lasts.
 *
 * @example
 *   const run = await vitrinaInProcess([registerTenant], ['tenant', 'create', '--name', 'X'], { DATA_DIR: dir });
 *   expect(run).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/--email is required/) });
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../../src/config.js';
import { cleanEnv, type CliRun } from './run-cli.js';

export type RegisterCommand = (program: Command) => void;

let queue: Promise<unknown> = Promise.resolve();

export function vitrinaInProcess(
  commands: readonly RegisterCommand[],
  args: string[],
  env: Record<string, string | undefined>,
): Promise<CliRun> {
  const run = queue.then(() => runOnce(commands, args, env));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(commands: readonly RegisterCommand[], args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  // As main.ts sets it up; the output goes to the same strings as the commands' own writes.
  const program = new Command('vitrina')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => void (stdout += text), writeErr: (text) => void (stderr += text) });
  for (const register of commands) register(program);

  const restoreEnv = replaceEnv({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...cleanEnv(env) });
  const restoreOut = capture(process.stdout, (text) => (stdout += text));
  const restoreErr = capture(process.stderr, (text) => (stderr += text));
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    // main.ts's catch, line for line.
    if (err instanceof CommanderError) code = err.exitCode;
    else if (err instanceof ConfigError) {
      stderr += `vitrina: configuration error: ${err.message}\n`;
      code = 2;
    } else {
      stderr += `vitrina: ${err instanceof Error ? err.message : String(err)}\n`;
      code = 1;
    }
  } finally {
    process.exitCode = exitCodeBefore;
    restoreErr();
    restoreOut();
    restoreEnv();
  }
  return { code, stdout, stderr };
}

/** Makes `process.env` exactly `env` (the commands read it, as loadConfig's argument); returns the undo. */
function replaceEnv(env: Record<string, string>): () => void {
  const before = { ...process.env };
  const set = (values: Record<string, string | undefined>) => {
    for (const key of Object.keys(process.env)) delete process.env[key];
    for (const [key, value] of Object.entries(values)) if (value !== undefined) process.env[key] = value;
  };
  set(env);
  return () => set(before);
}

/** Sends what is written to `stream` to `sink` instead; returns the undo. */
function capture(stream: NodeJS.WriteStream, sink: (text: string) => void): () => void {
  const original = Object.getOwnPropertyDescriptor(stream, 'write');
  const write = (
    chunk: string | Uint8Array,
    encoding?: BufferEncoding | ((err?: Error | null) => void),
    done?: (err?: Error | null) => void,
  ) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
    const callback = typeof encoding === 'function' ? encoding : done;
    if (callback !== undefined) queueMicrotask(() => callback(null));
    return true;
  };
  stream.write = write as NodeJS.WriteStream['write'];
  return () => {
    if (original !== undefined) Object.defineProperty(stream, 'write', original);
    else delete (stream as Partial<NodeJS.WriteStream>).write;
  };
}
