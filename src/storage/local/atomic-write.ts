/**
 * The two halves of an atomic put on local disk:
 *
 * 1. `streamToTemp`: the body flows through a StreamMeter (limit + sha256) into a fresh file in
 *    `root/tmp/`, which is fsynced. On any failure — TooLarge, abort, a source error — the temp
 *    file is removed before the error is passed on.
 * 2. `commitFiles`: the metadata and then the data are renamed into place (data last, so a
 *    visible object always has metadata) and the folders fsynced, so a crash leaves either
 *    the old object or the new one, never a torn file.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StreamMeter } from '../stream-meter.js';
import { errnoOf } from './fs-errors.js';

export function tempPath(tmpDir: string, suffix: string): string {
  return path.join(tmpDir, `${randomUUID()}${suffix}`);
}

/** Streams `source` through `meter` into a new temp file; returns its path. */
export async function streamToTemp(tmpDir: string, source: Readable, meter: StreamMeter, signal: AbortSignal | undefined): Promise<string> {
  const file = tempPath(tmpDir, '.part');
  // flush: fsync before close, so the rename that follows never publishes unwritten bytes.
  const sink = createWriteStream(file, { flags: 'wx', mode: 0o644, flush: true });
  try {
    await pipeline(source, meter, sink, signal === undefined ? {} : { signal });
    return file;
  } catch (err) {
    // The stream opens its file asynchronously: a source that fails at once can reject the
    // pipeline before that open has happened, and a remove then would come too early (the
    // file appears after it). Destroyed by the pipeline, the sink closes once its open is done.
    if (!sink.closed) await once(sink, 'close').catch(() => undefined);
    await removeQuietly(file);
    throw err;
  }
}

/** Writes `text` to a new fsynced temp file; returns its path. */
export async function textToTemp(tmpDir: string, text: string): Promise<string> {
  const file = tempPath(tmpDir, '.meta');
  try {
    await writeFile(file, text, { flag: 'wx', mode: 0o644, flush: true });
    return file;
  } catch (err) {
    await removeQuietly(file);
    throw err;
  }
}

/**
 * Renames each `[temp, final]` pair into place, in order, creating parent folders. Only
 * renames are done here, so callers hold the key's lock just for this short section.
 */
export async function commitFiles(pairs: readonly (readonly [temp: string, final: string])[]): Promise<void> {
  for (const [temp, final] of pairs) await renameCreatingParents(temp, final);
  const dirs = new Set(pairs.map(([, final]) => path.dirname(final)));
  for (const dir of dirs) await fsyncDir(dir);
}

async function renameCreatingParents(from: string, to: string): Promise<void> {
  // A concurrent delete may prune an empty parent between our mkdir and rename; try again.
  for (let attempt = 1; ; attempt++) {
    await mkdir(path.dirname(to), { recursive: true });
    try {
      await rename(from, to);
      return;
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT' || attempt >= 5) throw err;
    }
  }
}

/** Makes a rename durable: the new directory entry survives a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some filesystems and platforms cannot fsync a directory; the rename itself is still atomic.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes(errnoOf(err) ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

export async function removeQuietly(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
}
