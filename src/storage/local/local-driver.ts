/**
 * The local-folder driver: objects in a folder (DATA_DIR/objects by default) for a one-machine
 * setup. It signs nothing: the app serves its objects (`presignedGet: false`, so DeliveryUrls
 * makes `/media/…` links). The facade (store.ts) has already checked keys, ranges and aborts.
 *
 *     root/objects/<key>        the bytes
 *     root/meta/<key>.json      content type, metadata, sha256, etag (object-meta.ts)
 *     root/tmp/                 puts in progress, renamed into place when complete (atomic-write.ts)
 *
 * @example
 *   const store = new Store(new LocalDriver({ root: '/var/lib/vitrina/objects' }));
 *   await store.put('t/1/img/…/original.jpg', bytes, { contentType: 'image/jpeg', maxBytes: 2 << 20 });
 */
import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { GetOptions, GetResult, HeadResult, ListOptions, ListPage, PutOptions, PutResult } from '../object-store.js';
import type { ListedObject, SignalOption, StorageDriver, StoreCapabilities } from '../object-store.js';
import { StorageError, abortedError, isStorageError, sha256MismatchError } from '../storage-error.js';
import { StreamMeter } from '../stream-meter.js';
import { commitObject, removeQuietly, streamToTemp } from './atomic-write.js';
import { errnoOf, mapFsError } from './fs-errors.js';
import { metaFor, readMeta, serializeMeta, toHead } from './object-meta.js';
import { decodeToken, encodeToken, walkKeys } from './walk-keys.js';

// sha256OnWrite: the put hashes what it writes and keeps nothing when that differs from PutOptions.sha256.
const CAPABILITIES: StoreCapabilities = {
  presignedGet: false,
  presignedPost: false,
  publicUrl: false,
  sha256OnWrite: true,
  deleteBatchSize: 0,
};

export class LocalDriver implements StorageDriver {
  readonly name = 'local' as const;
  /** The root folder, resolved; objects/, meta/ and tmp/ are made in it by the first put. */
  readonly location: string;
  readonly capabilities = CAPABILITIES;
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;

  constructor(options: { root: string }) {
    this.location = path.resolve(options.root);
    this.objectsDir = path.join(this.location, 'objects');
    this.metaDir = path.join(this.location, 'meta');
    this.tmpDir = path.join(this.location, 'tmp');
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    const { signal } = options;
    const tmpData = path.join(this.tmpDir, `${randomUUID()}.part`);
    const tmpMeta = path.join(this.tmpDir, `${randomUUID()}.meta`);
    try {
      const { dataFile, metaFile } = this.paths(key);
      // objects/ and meta/ are made by the commit (renameCreatingParents), tmp/ here.
      await mkdir(this.tmpDir, { recursive: true });
      const meter = new StreamMeter({ maxBytes: options.maxBytes, expectedLength: options.contentLength, key });
      const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]) : body;
      await streamToTemp(source, meter, tmpData, signal);
      const sha256 = meter.sha256();
      if (options.sha256 !== undefined && options.sha256 !== sha256) throw sha256MismatchError(`The local store at ${this.location}`, key);
      const meta = metaFor(options, meter.bytes, sha256);
      await writeFile(tmpMeta, serializeMeta(meta), { flag: 'wx', mode: 0o644, flush: true });
      // The last moment an abort can still mean "nothing stored".
      if (signal?.aborted) throw abortedError(signal, key);
      await commitObject([tmpMeta, metaFile], [tmpData, dataFile]);
      return { key, size: meter.bytes, sha256, etag: meta.etag };
    } catch (err) {
      throw mapFsError(err, 'write', key, signal);
    } finally {
      // Whatever did not make it into place (after a commit the temp names are gone: no-ops).
      await removeQuietly(tmpData);
      await removeQuietly(tmpMeta);
    }
  }

  async get(key: string, { range, signal }: GetOptions): Promise<GetResult> {
    try {
      // The handle pins this version of the bytes, even if the key is deleted while they stream.
      const handle = await open(this.paths(key).dataFile, 'r');
      const { size: total, ...rest } = await this.headOf(key, handle.stat()).catch(async (err: unknown) => {
        await handle.close();
        throw err;
      });
      if (range !== undefined && range.start >= total) {
        await handle.close();
        throw notFound(key, `has ${total} bytes; the range at ${range.start} is past its end`);
      }
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? total - 1, total - 1);
      // The stream closes the handle at its end, or when destroyed (the facade's abort).
      const body = handle.createReadStream(total === 0 ? {} : { start, end });
      const contentLength = total === 0 ? 0 : end - start + 1;
      return { ...rest, body, contentLength, totalSize: total, range: range === undefined ? undefined : { start, end } };
    } catch (err) {
      throw mapFsError(err, 'read', key, signal);
    }
  }

  async head(key: string, { signal }: SignalOption): Promise<HeadResult> {
    try {
      return await this.headOf(key, stat(this.paths(key).dataFile));
    } catch (err) {
      throw mapFsError(err, 'read', key, signal);
    }
  }

  async delete(key: string, { signal }: SignalOption): Promise<void> {
    try {
      const { dataFile, metaFile } = this.paths(key);
      // Data first: the object disappears at once; its metadata never outlives it visibly.
      await unlinkFile(dataFile);
      await unlinkFile(metaFile);
      await pruneEmptyParents(path.dirname(dataFile), this.objectsDir);
      await pruneEmptyParents(path.dirname(metaFile), this.metaDir);
    } catch (err) {
      throw mapFsError(err, 'delete', key, signal);
    }
  }

  async list(prefix: string, { token, limit, signal }: ListOptions & { limit: number }): Promise<ListPage> {
    try {
      const objects: ListedObject[] = [];
      for await (const key of walkKeys(this.objectsDir, prefix, token === undefined ? undefined : decodeToken(token), signal)) {
        if (objects.length === limit) return { objects, nextToken: encodeToken(objects[objects.length - 1]!.key) };
        // Deleted since its folder was read: simply no longer there.
        const head = await this.head(key, {}).catch((err: unknown) =>
          isStorageError(err, 'ObjectNotFound') ? undefined : Promise.reject(err),
        );
        if (head !== undefined) objects.push({ key, size: head.size, lastModified: head.lastModified, etag: head.etag });
      }
      return { objects, nextToken: undefined };
    } catch (err) {
      throw mapFsError(err, 'list', undefined, signal);
    }
  }

  async close(): Promise<void> {
    // Nothing to release: every file handle is closed by the call (or stream) that opened it.
  }

  private async headOf(key: string, statting: Promise<Stats>): Promise<HeadResult> {
    const stats = await statting;
    // A folder at this path is a key prefix, not an object.
    if (!stats.isFile()) throw notFound(key);
    return toHead(key, stats, await readMeta(this.paths(key).metaFile));
  }

  private paths(key: string): { dataFile: string; metaFile: string } {
    return { dataFile: inside(this.objectsDir, key, ''), metaFile: inside(this.metaDir, key, '.json') };
  }
}

function notFound(key: string, why = 'does not exist'): StorageError {
  return new StorageError('ObjectNotFound', `Object ${JSON.stringify(key)} ${why}.`, { key });
}

/**
 * `tree/<key><suffix>`. The facade has refused NUL, `..` and absolute keys already; this is the
 * backstop that keeps any key, however it got here, from naming a path outside `tree`.
 */
function inside(tree: string, key: string, suffix: string): string {
  const resolved = path.resolve(tree, ...key.split('/')) + suffix;
  if (!resolved.startsWith(tree + path.sep)) {
    throw new StorageError('InvalidKey', `Object key ${JSON.stringify(key)} resolves outside the local store.`, { key });
  }
  return resolved;
}

/** Removes `file`; missing, or a folder (a key prefix, not an object), it is left alone. */
async function unlinkFile(file: string): Promise<void> {
  await rm(file, { force: true }).catch((err: unknown) =>
    ['ENOTDIR', 'ERR_FS_EISDIR'].includes(errnoOf(err) ?? '') ? undefined : Promise.reject(err),
  );
}

/** Removes the folders a delete left empty, from `dir` up to (not including) `stopAt`. */
async function pruneEmptyParents(dir: string, stopAt: string): Promise<void> {
  for (; dir.startsWith(stopAt + path.sep); dir = path.dirname(dir)) {
    try {
      await rmdir(dir);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') return; // not empty (or busy): stop here; ENOENT: a concurrent delete was first
    }
  }
}
