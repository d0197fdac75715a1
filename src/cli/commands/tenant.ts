/**
 * `vitrina tenant create --name --email --password [--currency EUR]`: an operator's sign-up. Prints the new
 * tenant's id alone on stdout (for scripts), the details on stderr.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { scryptParams } from '../../tenancy/password.js';
import { signUp, signUpProblem } from '../../tenancy/tenancy.service.js';
import { badInput, reportInputError, withMigratedDatabase } from './cli-database.js';

interface CreateOptions {
  name?: string;
  email?: string;
  password?: string;
  currency?: string;
}

const REQUIRED: ReadonlyArray<[keyof CreateOptions, string]> = [
  ['name', 'the store or company name'],
  ['email', "the first user's email address"],
  ['password', "the first user's password, at least 8 characters"],
];

export function registerTenant(program: Command): void {
  const tenant = program.command('tenant').description('Manage tenants (stores), each with its own products, users and API keys.');
  tenant
    .command('create')
    .description('Create a tenant and its first user; prints the tenant id.')
    .option('--name <name>', 'store or company name')
    .option('--email <email>', "first user's email (used to log in)")
    .option('--password <password>', "first user's password (8 characters or more)")
    .option('--currency <code>', "the shop's currency, an ISO 4217 code such as EUR", 'USD')
    .addHelpText('after', '\nExample:\n  vitrina tenant create --name "Acme Hardware" --email ana@acme.test --password "correct horse"\n')
    .action(async (options: CreateOptions) => {
      const command = 'tenant create';
      const missing = REQUIRED.find(([key]) => options[key] === undefined || options[key]!.trim() === '');
      if (missing) return badInput(command, `--${missing[0]} is required (${missing[1]}).`);
      const input = {
        tenantName: options.name!,
        email: options.email!,
        password: options.password!,
        currency: options.currency?.trim().toUpperCase(),
      };
      const problem = signUpProblem(input);
      if (problem !== undefined) return badInput(command, problem);

      const config = loadConfig(process.env);
      await withMigratedDatabase(config, async ({ db }) => {
        try {
          const { tenant: created, user } = await signUp(db, input, { scrypt: scryptParams(config.passwordHashCost) });
          process.stdout.write(`${created.id}\n`);
          process.stderr.write(`Created tenant ${created.id} "${created.name}" (slug ${created.slug}); log in as ${user.email}.\n`);
        } catch (err) {
          reportInputError(command, err);
        }
      });
    });
}
