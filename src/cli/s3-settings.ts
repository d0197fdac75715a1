/**
 * A second set of S3 settings for one command (the destination of `storage migrate`, the old
 * app's bucket for `import legacy`), from the same names the app reads (`S3_ENDPOINT`,
 * `S3_ACCESS_KEY`, …), validated by the same `loadConfig`:
 *
 *   base   an env file of `S3_*=value` lines (`--to-env FILE`; the old app's `.env` works as
 *          is), or else the given environment;
 *   then   each flag given overrides its variable (`--to-bucket` → S3_BUCKET, …).
 *
 * Secrets are best kept in the file: flags show up in `ps` and shell history.
 *
 * @example
 *   const s3 = await s3Settings({ file: '/etc/vitrina/aws.env', flags: { S3_BUCKET: 'shop' }, env: process.env });
 */
import { readFile } from 'node:fs/promises';
import { loadConfig, type S3Config } from '../config.js';

/** The variables one set of S3 settings is made of (the aliases loadConfig accepts included). */
const S3_VARIABLE = /^(?:S3_[A-Z_]+|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_REGION|CDN_URL)$/;

/** A bad env file or value: the message is one line saying what to fix. */
export class S3SettingsError extends Error {
  override readonly name = 'S3SettingsError';
}

/** `KEY=value` lines: blank lines and `#` comments skipped, `export ` allowed, values optionally quoted. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Z_a-z]\w*)\s*=(.*)$/.exec(line);
    if (!match) throw new S3SettingsError(`${file} line ${i + 1} is not a VARIABLE=value line`);
    let value = match[2]!.trimStart();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    const comment = value.search(/\s#/);
    if (quoted) value = quoted[2]!;
    else if (comment !== -1) value = value.slice(0, comment).trimEnd();
    out[match[1]!] = value;
  });
  return out;
}

export async function readEnvFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new S3SettingsError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  return parseEnvFile(text, file);
}

export interface S3SettingsInput {
  /** An env file to start from instead of `env`. */
  file?: string | undefined;
  /** Variables set by flags, e.g. `{ S3_BUCKET: 'new' }` (undefined entries are ignored). */
  flags?: Record<string, string | undefined> | undefined;
  /** Where the settings come from without a file (usually process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Names the settings in error messages, e.g. 'destination'. */
  label: string;
}

export async function s3Settings(input: S3SettingsInput): Promise<S3Config> {
  const base = input.file === undefined ? input.env : await readEnvFile(input.file);
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(base)) if (S3_VARIABLE.test(k)) env[k] = v;
  for (const [k, v] of Object.entries(input.flags ?? {})) {
    if (v === undefined) continue;
    // A flag replaces its variable and that variable's aliases, so the flag always wins.
    if (k === 'S3_ACCESS_KEY') delete env.AWS_ACCESS_KEY_ID;
    if (k === 'S3_SECRET_KEY') delete env.AWS_SECRET_ACCESS_KEY;
    if (k === 'S3_BUCKET') delete env.S3_BUCKET_NAME;
    if (k === 'S3_REGION') delete env.AWS_REGION;
    env[k] = v;
  }
  try {
    return loadConfig(env).s3;
  } catch (err) {
    throw new S3SettingsError(`${input.label} S3 settings: ${(err as Error).message}`, { cause: err });
  }
}
