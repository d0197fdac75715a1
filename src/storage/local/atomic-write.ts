/**
 * An atomic put on local disk: the bytes (through a StreamMeter: limit + sha256) and then the
 * metadata go to fresh fsynced files in `root/tmp/`; `commitObject` renames the metadata and then
 * the data into place (data last, so a visible object always has metadata) and fsyncs their
 * folders. A crash leaves either no object or the whole one, never a torn file.
 *
 * @example
 *   await streamToTemp(body, new StreamMeter({ maxBytes }), tmpData, signal);
 *   await writeFile(tmpMeta, json, { flag: 'wx', flush: true });
 *   await commitObject([tmpMeta, metaFile], [tmpData, dataFile]);
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StreamMeter } from '../stream-meter.js';
import { errnoOf } from './fs-errors.js';

/** Streams `source` through `meter` into the new file `file` (the caller removes it after a failure). */
export async function streamToTemp(source: Readable, meter: StreamMeter, file: string, signal: AbortSignal | undefined): Promise<void> {
  // flush: fsync before close, so the rename that follows never publishes unwritten bytes.
  const sink = createWriteStream(file, { flags: 'wx', mode: 0o644, flush: true });
  try {
    await pipeline(source, meter, sink, signal === undefined ? {} : { signal });
  } catch (err) {
    // The stream opens its file asynchronously: a source that fails at once can reject the
    // pipeline before that open has happened, and a remove then would come too early (the
    // file appears after it). Destroyed by the pipeline, the sink closes once its open is done.
    if (!sink.closed) await once(sink, 'close').catch(() => undefined);
    throw err;
  }
}

/**
 * Renames the metadata, then the data (each `[temp file, final path]`), into place and makes the
 * renames durable. When the data cannot follow (its path clashes with a folder, say), the
 * metadata goes too: nothing is half-there.
 */
export async function commitObject(meta: [string, string], data: [string, string]): Promise<void> {
  await renameCreatingParents(meta);
  await renameCreatingParents(data).catch(async (err: unknown) => {
    await removeQuietly(meta[1]);
    throw err;
  });
  for (const dir of new Set([path.dirname(meta[1]), path.dirname(data[1])])) await fsyncDir(dir);
}

async function renameCreatingParents([from, to]: [string, string]): Promise<void> {
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
async function fsyncDir(dir: string): Promise<void> {
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
