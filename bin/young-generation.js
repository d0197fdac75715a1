// `vitrina storage migrate` reads, sends and drops one buffer and one request per object,
// thousands a second. With V8's default young generation (16 MB semi-spaces) that churn keeps
// the old generation collecting several times a second; with 64 MB, the same 5,000-object copy
// took about 1.5 s less CPU and 1-2 s less wall time (bench:migrate's data set, runs alternated;
// --trace-gc: 61 mark-compacts → 38). V8 sizes its heap when the process starts, so such a
// command runs in a child process started with the flag — unless the flag is already given.
//
// The child is the command: its exit code (or the signal that ended it) becomes ours. It stays in
// our process group, so a terminal's Ctrl-Z stops both and `fg` resumes both. SIGINT, SIGTERM and
// SIGHUP sent to us are passed on; a terminal's Ctrl-C reaches the child twice that way (from the
// terminal and from us), and the command counts a repeat that close as one (src/cli/interrupt.ts).
// If we die without passing anything on (SIGKILL), the child kills itself when the IPC channel to
// us closes, as if it had been killed with us.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const FLAG = '--max-semi-space-size=64';
const CHILD_MARK = 'VITRINA_SIZED_CHILD';
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** True for commands that want the larger young generation and do not run with it yet. */
export function wantsLargerYoungGeneration(argv) {
  const command = argv.slice(2, 4).join(' ');
  if (command !== 'storage migrate') return false;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('--max-semi-space-size'));
  return !given && process.env[CHILD_MARK] === undefined;
}

/** Runs this very command line again in a child process with FLAG; never returns. */
export function rerunWithLargerYoungGeneration() {
  const child = spawn(process.execPath, [...process.execArgv, FLAG, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [CHILD_MARK]: '1' },
  });
  const pass = (signal) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, pass);
  child.on('error', (err) => {
    process.stderr.write(
      `vitrina: could not start the command in a process of its own (${err.message}); run it with NODE_OPTIONS=${FLAG} instead\n`,
    );
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, pass);
    if (signal === null) process.exit(code ?? 1);
    // Die of the same signal; where that signal is ignored (PID 1 in a container), exit as a shell reports it.
    process.exitCode = 128 + (constants.signals[signal] ?? 0);
    process.kill(process.pid, signal);
  });
}

/** In the child: die with the parent. The channel must not keep the command running on its own. */
export function followParent() {
  if (process.env[CHILD_MARK] !== '1') return;
  delete process.env[CHILD_MARK];
  if (process.channel === undefined) return;
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.channel.unref();
}
