/**
 * The work of `vitrina user set-password` and `vitrina user sign-out-everywhere`, apart from the
 * command line so a test runs it in-process against its database. Both end every session of
 * the user (tenancy/account.service.ts).
 *
 * @example
 *   await setPasswordCommand({ email: 'ana@acme.test' }, 'a new long password', passwords, processIo, withDb);   // 0
 *   await signOutEverywhereCommand({ email: 'ana@acme.test' }, processIo, withDb);                              // 0, or 1
 */
import type { Readable } from 'node:stream';
import { isAppError } from '../../errors.js';
import { newPasswordProblem, setPassword, signOutEverywhere, type SessionsEnded } from '../../tenancy/account.service.js';
import type { PasswordHashing } from '../../tenancy/password-hashing.js';
import { createResetLinkForEmail, RESET_TTL_MS } from '../../tenancy/password-reset.js';
import { formatDuration, parseDuration } from '../duration.js';
import { EXIT_BAD_INPUT } from './cli-database.js';
import { EXIT_NOT_FOUND, type CommandIo, type WithDb } from './command-io.js';

/** More than any password we accept (200 characters of up to 4 bytes). */
const MAX_LINE_BYTES = 1024;

/**
 * The first line of a stream (without its line end), read no further than `maxBytes`: undefined
 * when the stream ends empty or the line is longer.
 */
export async function readFirstLine(input: Readable, maxBytes = MAX_LINE_BYTES): Promise<string | undefined> {
  let bytes = Buffer.alloc(0);
  for await (const chunk of input) {
    bytes = Buffer.concat([bytes, typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)]);
    const end = bytes.indexOf(0x0a);
    if (end >= 0) {
      bytes = bytes.subarray(0, end);
      break;
    }
    if (bytes.length > maxBytes) return undefined;
  }
  if (bytes.length > maxBytes) return undefined;
  const line = bytes.toString('utf8').replace(/\r$/, '');
  return line === '' ? undefined : line;
}

function bad(io: CommandIo, command: string, message: string): number {
  io.err(`vitrina ${command}: ${message}\n`);
  return EXIT_BAD_INPUT;
}

/** Runs `work`, turning "no such user" into one line and exit 1. */
async function forUser(
  io: CommandIo,
  command: string,
  work: () => Promise<SessionsEnded>,
  done: (result: SessionsEnded) => string,
): Promise<number> {
  try {
    io.err(`${done(await work())}\n`);
    return 0;
  } catch (err) {
    if (isAppError(err, 'NotFound')) {
      io.err(`vitrina ${command}: ${err.message}\n`);
      return EXIT_NOT_FOUND;
    }
    throw err;
  }
}

const ended = (n: number) => (n === 1 ? '1 session ended' : `${n} sessions ended`);

export async function setPasswordCommand(
  options: { email?: string },
  password: string | undefined,
  passwords: PasswordHashing,
  io: CommandIo,
  withDb: WithDb,
): Promise<number> {
  const command = 'user set-password';
  const email = options.email?.trim() ?? '';
  if (email === '') return bad(io, command, '--email is required (the email the user logs in with).');
  if (password === undefined)
    return bad(
      io,
      command,
      'give the new password on the first line of stdin, e.g. `printf "%s\\n" "$PASSWORD" | vitrina user set-password --email ana@acme.test`.',
    );
  const problem = newPasswordProblem(password);
  if (problem !== undefined) return bad(io, command, problem);
  return withDb((db) =>
    forUser(
      io,
      command,
      () => setPassword(db, email, password, { passwords }),
      (r) => `Password changed for ${email.toLowerCase()}; ${ended(r.sessionsEnded)}.`,
    ),
  );
}

export async function signOutEverywhereCommand(options: { email?: string }, io: CommandIo, withDb: WithDb): Promise<number> {
  const command = 'user sign-out-everywhere';
  const email = options.email?.trim() ?? '';
  if (email === '') return bad(io, command, '--email is required (the email the user logs in with).');
  return withDb((db) =>
    forUser(
      io,
      command,
      () => signOutEverywhere(db, email),
      (r) => `Signed ${email.toLowerCase()} out everywhere; ${ended(r.sessionsEnded)}.`,
    ),
  );
}

/** The longest a reset link may live: a week, like an invitation. */
const MAX_RESET_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * `vitrina user reset-link --email E [--expires-in 1h]`: a one-time password reset link for the
 * user, printed alone on stdout (APP_URL/reset/{token}) for the operator to hand over; the
 * user's older links stop working. Exit 1 when there is no such user, 2 for bad input.
 */
export async function resetLinkCommand(
  options: { email?: string; expiresIn?: string },
  appUrl: string,
  io: CommandIo,
  withDb: WithDb,
  now: () => Date = () => new Date(),
): Promise<number> {
  const command = 'user reset-link';
  const email = options.email?.trim() ?? '';
  if (email === '') return bad(io, command, '--email is required (the email the user logs in with).');
  const ttlMs = options.expiresIn === undefined ? RESET_TTL_MS : parseDuration(options.expiresIn.slice(0, 20));
  if (ttlMs === undefined || ttlMs < 60_000 || ttlMs > MAX_RESET_TTL_MS)
    return bad(io, command, '--expires-in must be a duration from 1m to 7d, such as 30m, 1h or 2d.');
  return withDb(async (db) => {
    const link = await createResetLinkForEmail(db, email, now(), ttlMs);
    if (link === undefined) {
      io.err(`vitrina ${command}: there is no user with the email ${email.toLowerCase()}; check the address for a typo.\n`);
      return EXIT_NOT_FOUND;
    }
    io.out(`${new URL(`/reset/${link.token}`, appUrl).toString()}\n`);
    io.err(
      `Password reset link for ${email.toLowerCase()}: it works once and expires in ${formatDuration(ttlMs)} (${link.expiresAt.toISOString()}); older links for this user no longer work.\n`,
    );
    return 0;
  });
}
