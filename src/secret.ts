/**
 * The HMAC key behind sessions and app-served signed URLs. SECRET_KEY when set (required for
 * several instances: they must share it); otherwise a random key kept in DATA_DIR/secret.key,
 * created on first start, so a one-machine setup needs no configuration.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';

export async function resolveSecretKey(config: Config): Promise<string> {
  if (config.secretKey !== undefined) return config.secretKey;
  const file = path.join(config.dataDir, 'secret.key');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(config.dataDir, { recursive: true });
  const created = randomBytes(32).toString('hex');
  // 'wx': if another process created it first, read theirs instead of overwriting it.
  try {
    await writeFile(file, `${created}\n`, { flag: 'wx', mode: 0o600 });
    return created;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await readFile(file, 'utf8')).trim();
  }
}
