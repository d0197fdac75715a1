/**
 * What a command's work is given, so it runs in-process in a test as it runs under `vitrina`:
 * where output goes — results for scripts on `out` (stdout), messages for people on `err`
 * (stderr) — and how to reach the database, opened only once the options have been checked.
 * A command's work returns its exit code.
 */
import type { Db } from '../../db/schema.js';

export type WithDb = <T>(work: (db: Db) => Promise<T>) => Promise<T>;

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Exit code when the thing named (a key, a user) does not exist; 2 (cli-database.ts) is for input to fix. */
export const EXIT_NOT_FOUND = 1;

/** A positive id given as an option (`--tenant 1`), or undefined when it is not one. */
export function parseId(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  return /^\d{1,9}$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}
