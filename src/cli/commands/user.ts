/**
 * `vitrina user set-password --email E` (the new password on the first line of stdin, so it
 * never shows in `ps` or the shell's history) and `vitrina user sign-out-everywhere --email E`.
 * Both end every session of the user: on every instance within 5 s. The work is in
 * user-access.ts.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { scryptParams } from '../../tenancy/password.js';
import { PasswordHashing } from '../../tenancy/password-hashing.js';
import { withMigratedDatabase } from './cli-database.js';
import { processIo, type WithDb } from './command-io.js';
import { readFirstLine, resetLinkCommand, setPasswordCommand, signOutEverywhereCommand } from './user-access.js';

export function registerUser(program: Command): void {
  const user = program
    .command('user')
    .description("Manage a user's access: a new password, a password reset link, or the end of every session.");
  user
    .command('set-password')
    .description("Set a user's password, read from the first line of stdin, and end all of the user's sessions.")
    .option('--email <email>', 'the email the user logs in with')
    .addHelpText(
      'after',
      '\nExample:\n  printf "%s\\n" "$NEW_PASSWORD" | vitrina user set-password --email ana@acme.test\n\nExit codes: 0 done, 1 no such user, 2 bad input.\n',
    )
    .action(async (options: { email?: string }) => {
      const config = loadConfig(process.env);
      if (process.stdin.isTTY) process.stderr.write('New password (it shows as you type; then Enter): ');
      const password = options.email?.trim() ? await readFirstLine(process.stdin) : undefined;
      const withDb: WithDb = (work) => withMigratedDatabase(config, ({ db }) => work(db));
      process.exitCode = await setPasswordCommand(
        options,
        password,
        new PasswordHashing(scryptParams(config.passwordHashCost)),
        processIo,
        withDb,
      );
    });
  user
    .command('sign-out-everywhere')
    .description('End every session of a user (every browser they are logged in on).')
    .option('--email <email>', 'the email the user logs in with')
    .addHelpText(
      'after',
      '\nExample:\n  vitrina user sign-out-everywhere --email ana@acme.test\n\nExit codes: 0 done, 1 no such user, 2 bad input.\n',
    )
    .action(async (options: { email?: string }) => {
      const config = loadConfig(process.env);
      process.exitCode = await signOutEverywhereCommand(options, processIo, (work) => withMigratedDatabase(config, ({ db }) => work(db)));
    });
  user
    .command('reset-link')
    .description('Print a one-time password reset link for a user (1 hour unless --expires-in says otherwise); older links stop working.')
    .option('--email <email>', 'the email the user logs in with')
    .option('--expires-in <duration>', 'how long the link works, from 1m to 7d (default 1h)')
    .addHelpText(
      'after',
      '\nExample:\n  vitrina user reset-link --email ana@acme.test --expires-in 2h\n\nThe link (APP_URL/reset/…) is printed alone on stdout. Exit codes: 0 done, 1 no such user, 2 bad input.\n',
    )
    .action(async (options: { email?: string; expiresIn?: string }) => {
      const config = loadConfig(process.env);
      process.exitCode = await resetLinkCommand(options, config.appUrl, processIo, (work) =>
        withMigratedDatabase(config, ({ db }) => work(db)),
      );
    });
}
