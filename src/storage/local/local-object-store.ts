/**
 * The local-disk driver: objects in a folder (DATA_DIR/objects by default) for a one-machine
 * setup, served by the app itself through signed `/media/…` URLs (see media-signature.ts and
 * the media-get / media-upload routes). Layout and path safety: local-layout.ts; atomic puts:
 * atomic-write.ts.
 *
 * @example
 *   const store = new LocalObjectStore({ root: '/var/lib/vitrina/objects', baseUrl: 'https://shop.example',
 *     secret, signedUrlTtl: 3600 });
 *   await store.put('t/1/img/…/original.jpg', bytes, { contentType: 'image/jpeg', maxBytes: 2 << 20 });
 */
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { assertValidKey, assertValidPrefix } from '../keys.js';
import type {
  DeleteManyResult,
  GetOptions,
  GetResult,
  HeadResult,
  ListedObject,
  ListOptions,
  ListPage,
  ObjectStore,
  PresignedPost,
  PresignedPostOptions,
  PutOptions,
  PutResult,
  SignalOption,
  SignedUrlOptions,
} from '../object-store.js';
import { StorageError, abortedError, sha256MismatchError } from '../storage-error.js';
import { StreamMeter, tooLarge } from '../stream-meter.js';
import { commitFiles, removeQuietly, streamToTemp, textToTemp } from './atomic-write.js';
import { mapFsError } from './fs-errors.js';
import { KeyedMutex } from './keyed-mutex.js';
import { LocalLayout } from './local-layout.js';
import { encodeKeyPath, signedMediaQuery, uploadFields } from './media-signature.js';
import { decodeToken, encodeToken, listedObject } from './list-page.js';
import { etagOf, serializeMeta, type ObjectMeta } from './object-meta.js';
import { closeFd } from './fd-io.js';
import { openObject, readObjectWhole, statObject } from './read-object.js';
import { pruneEmptyParents, unlinkFile } from './remove-object.js';
import { walkKeys } from './walk-keys.js';
import { listAllPages } from '../list-all.js';

export interface LocalObjectStoreOptions {
  /** Folder holding objects/, meta/ and tmp/; created when missing. */
  root: string;
  /** Base URL of the app (APP_URL); signed URLs point at its /media routes. */
  baseUrl: string;
  /** HMAC key for signed URLs and upload policies. */
  secret: string;
  /** Default lifetime of signed URLs, in seconds. */
  signedUrlTtl: number;
  /** Public/CDN base in front of the objects; undefined means no public URLs. */
  publicBaseUrl?: string | undefined;
  /**
   * Largest chunk a get's stream reads at once (default 64 KiB, Node's). Serving many slow
   * downloads wants small chunks; a bulk copy that buffers whole objects anyway (the migration)
   * reads each image in one go with 1 MiB, instead of a file-system round trip per 64 KiB.
   */
  readChunkSize?: number | undefined;
}

const DEFAULT_POST_TTL = 600;
const MAX_PAGE = 1000;
const DELETE_CONCURRENCY = 16;

export class LocalObjectStore implements ObjectStore {
  readonly driver = 'local' as const;
  readonly location: string;
  private readonly baseUrl: string;
  private readonly publicBaseUrl: string | undefined;
  private readonly locks = new KeyedMutex();
  private layoutReady: Promise<LocalLayout> | undefined;

  constructor(private readonly options: LocalObjectStoreOptions) {
    this.location = path.resolve(options.root);
    // Trailing slashes off; the lookbehind lets a match start only where a run of slashes does, so it stays linear.
    this.baseUrl = options.baseUrl.replace(/(?<!\/)\/+$/, '');
    this.publicBaseUrl = options.publicBaseUrl?.replace(/(?<!\/)\/+$/, '');
  }

  /** The folders, created on first use (so constructing a store does no I/O). */
  private layout(): Promise<LocalLayout> {
    this.layoutReady ??= LocalLayout.open(this.location).catch((err: unknown) => {
      this.layoutReady = undefined;
      throw mapFsError(err, { action: 'open', missingIsNotFound: false });
    });
    return this.layoutReady;
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    const { signal, maxBytes, contentLength } = options;
    try {
      assertValidKey(key);
      if (signal?.aborted) throw abortedError(signal, key);
      const knownLength = contentLength ?? (body instanceof Uint8Array ? body.byteLength : undefined);
      if (maxBytes !== undefined && knownLength !== undefined && knownLength > maxBytes) throw tooLarge(maxBytes, key);
      const layout = await this.layout();
      const dataFile = layout.dataPath(key);
      const metaFile = layout.metaPath(key);
      await layout.assertNoSymlink(dataFile, key);
      await layout.assertNoSymlink(metaFile, key);

      const meter = new StreamMeter({ maxBytes, expectedLength: contentLength, key });
      const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]) : body;
      const tmpData = await streamToTemp(layout.tmpDir, source, meter, signal);
      let tmpMeta: string | undefined;
      try {
        const sha256 = meter.sha256();
        if (options.sha256 !== undefined && options.sha256 !== sha256)
          throw sha256MismatchError(`The local store at ${this.location}`, key);
        const meta: ObjectMeta = {
          contentType: options.contentType,
          cacheControl: options.cacheControl,
          contentDisposition: options.contentDisposition,
          metadata: { ...(options.metadata ?? {}) },
          size: meter.bytes,
          sha256,
          etag: etagOf(sha256),
          lastModified: new Date().toISOString(),
        };
        tmpMeta = await textToTemp(layout.tmpDir, serializeMeta(meta));
        // The last moment an abort can still mean "nothing stored".
        if (signal?.aborted) throw abortedError(signal, key);
        const pairs = [
          [tmpMeta, metaFile],
          [tmpData, dataFile],
        ] as const;
        await this.locks.run(key, () => this.commit(layout, key, pairs));
        return { key, size: meter.bytes, sha256, etag: meta.etag };
      } finally {
        // No-ops after a successful commit (the temp names are gone by then).
        await removeQuietly(tmpData);
        if (tmpMeta !== undefined) await removeQuietly(tmpMeta);
      }
    } catch (err) {
      // The store owns the body once put is called: never leave a caller's file stream open.
      if (!(body instanceof Uint8Array) && !body.destroyed) body.destroy();
      throw mapFsError(err, { key, signal, action: 'write', missingIsNotFound: false });
    }
  }

  private async commit(layout: LocalLayout, key: string, pairs: readonly (readonly [string, string])[]): Promise<void> {
    const [[, metaFile], [, dataFile]] = pairs as [readonly [string, string], readonly [string, string]];
    // Checked again under the lock: a link may have been planted while the body streamed.
    await layout.assertNoSymlink(dataFile, key);
    await layout.assertNoSymlink(metaFile, key);
    try {
      await commitFiles(pairs);
    } catch (err) {
      // Metadata already moved but no data under it: take it back so nothing is half-there.
      const dataExists = await lstat(dataFile).then(
        (stats) => stats.isFile(),
        () => false,
      );
      if (!dataExists) await removeQuietly(metaFile);
      throw err;
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const { signal, range } = options;
    try {
      assertValidKey(key);
      if (signal?.aborted) throw abortedError(signal, key);
      const layout = await this.layout();
      const chunk = this.options.readChunkSize;
      // What fits in one read chunk is read whole and its file closed at once (storage migrate
      // reads thousands of small objects a second): no handle, no stream machinery.
      if (chunk !== undefined && range === undefined) {
        const whole = await this.locks.run(key, () => readObjectWhole(layout, key, chunk));
        if (whole !== undefined) {
          if (signal?.aborted) throw abortedError(signal, key);
          const { size: _size, ...rest } = whole.head;
          const body = Readable.from(whole.bytes.length === 0 ? [] : [whole.bytes], { objectMode: false });
          return { ...rest, body, contentLength: whole.bytes.length, totalSize: whole.head.size, range: undefined };
        }
      }
      const { fd, head } = await this.locks.run(key, () => openObject(layout, key));
      const total = head.size;
      // An invalid range (negative, end before start) is ignored, as S3 ignores a bad Range header.
      const wanted =
        range !== undefined &&
        Number.isSafeInteger(range.start) &&
        range.start >= 0 &&
        (range.end === undefined || (Number.isSafeInteger(range.end) && range.end >= range.start))
          ? range
          : undefined;
      if (wanted !== undefined && wanted.start >= total) {
        await closeFd(fd);
        throw new StorageError(
          'ObjectNotFound',
          `Object ${JSON.stringify(key)} has ${total} bytes; the range starting at byte ${wanted.start} is past its end.`,
          { key },
        );
      }
      const start = wanted?.start ?? 0;
      const end = wanted === undefined ? total - 1 : Math.min(wanted.end ?? total - 1, total - 1);
      const highWaterMark = this.options.readChunkSize;
      // The stream reads the descriptor openObject pinned, and closes it at its end (or when destroyed).
      const body = createReadStream('', {
        fd,
        autoClose: true,
        ...(total === 0
          ? {}
          : { start, end, ...(highWaterMark === undefined ? {} : { highWaterMark: Math.min(highWaterMark, end - start + 1) }) }),
      });
      if (signal !== undefined) {
        const onAbort = () => body.destroy(abortedError(signal, key));
        signal.addEventListener('abort', onAbort, { once: true });
        body.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      const { size: _size, ...rest } = head;
      return {
        ...rest,
        body,
        contentLength: total === 0 ? 0 : end - start + 1,
        totalSize: total,
        range: wanted === undefined ? undefined : { start, end },
      };
    } catch (err) {
      throw mapFsError(err, { key, signal, action: 'read', missingIsNotFound: true });
    }
  }

  async head(key: string, options: SignalOption = {}): Promise<HeadResult> {
    const { signal } = options;
    try {
      assertValidKey(key);
      if (signal?.aborted) throw abortedError(signal, key);
      const layout = await this.layout();
      return await this.locks.run(key, () => statObject(layout, key));
    } catch (err) {
      throw mapFsError(err, { key, signal, action: 'read', missingIsNotFound: true });
    }
  }

  /** The put hashes what it writes and keeps nothing when that differs from `PutOptions.sha256`. */
  async checksSha256OnWrite(): Promise<boolean> {
    return true;
  }

  async exists(key: string, options: SignalOption = {}): Promise<boolean> {
    try {
      await this.head(key, options);
      return true;
    } catch (err) {
      if (err instanceof StorageError && err.code === 'ObjectNotFound') return false;
      throw err;
    }
  }

  async delete(key: string, options: SignalOption = {}): Promise<void> {
    const { signal } = options;
    try {
      assertValidKey(key);
      if (signal?.aborted) throw abortedError(signal, key);
      const layout = await this.layout();
      const dataFile = layout.dataPath(key);
      const metaFile = layout.metaPath(key);
      await this.locks.run(key, async () => {
        // Through a linked folder an unlink would delete a file outside the store.
        await layout.assertNoSymlink(dataFile, key);
        await layout.assertNoSymlink(metaFile, key);
        // Data first: the object disappears at once; its metadata never outlives it visibly.
        await unlinkFile(dataFile);
        await unlinkFile(metaFile);
      });
      await pruneEmptyParents(path.dirname(dataFile), layout.objectsDir);
      await pruneEmptyParents(path.dirname(metaFile), layout.metaDir);
    } catch (err) {
      throw mapFsError(err, { key, signal, action: 'delete', missingIsNotFound: false });
    }
  }

  async deleteMany(keys: readonly string[], options: SignalOption = {}): Promise<DeleteManyResult> {
    const outcome: (StorageError | null)[] = new Array(keys.length);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const index = next++;
        try {
          await this.delete(keys[index]!, options);
          outcome[index] = null;
        } catch (err) {
          outcome[index] = mapFsError(err, { key: keys[index], action: 'delete', missingIsNotFound: false });
        }
      }
    };
    await Promise.allSettled(Array.from({ length: Math.min(DELETE_CONCURRENCY, keys.length) }, worker));
    // An abort is about the whole call, not one key: deleting again is safe (idempotent).
    if (options.signal?.aborted) throw abortedError(options.signal);
    const result: DeleteManyResult = { deleted: [], failed: [] };
    keys.forEach((key, i) => {
      const error = outcome[i];
      if (error) result.failed.push({ key, error });
      else result.deleted.push(key);
    });
    return result;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const { signal, token } = options;
    try {
      assertValidPrefix(prefix);
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? MAX_PAGE), 1), MAX_PAGE);
      const after = token === undefined ? undefined : decodeToken(token);
      const layout = await this.layout();
      const objects: ListedObject[] = [];
      let nextToken: string | undefined;
      for await (const key of walkKeys(layout.objectsDir, prefix, after, signal)) {
        if (objects.length === limit) {
          nextToken = encodeToken(objects[objects.length - 1]!.key);
          break;
        }
        const listed = await listedObject(layout, key);
        if (listed !== undefined) objects.push(listed);
      }
      return { objects, nextToken };
    } catch (err) {
      throw mapFsError(err, { signal, action: 'list', missingIsNotFound: false });
    }
  }

  listAll(prefix: string, options: SignalOption = {}): AsyncIterable<ListedObject> {
    return listAllPages(this, prefix, options);
  }

  async copy(sourceKey: string, destinationKey: string, options: SignalOption = {}): Promise<void> {
    assertValidKey(sourceKey);
    assertValidKey(destinationKey);
    // The source stream is pinned to one version; the destination is a normal atomic put.
    const source = await this.get(sourceKey, options);
    await this.put(destinationKey, source.body, {
      contentType: source.contentType ?? 'application/octet-stream',
      cacheControl: source.cacheControl,
      contentDisposition: source.contentDisposition,
      metadata: source.metadata,
      contentLength: source.contentLength,
      signal: options.signal,
    });
  }

  publicUrl(key: string): string | undefined {
    assertValidKey(key);
    return this.publicBaseUrl === undefined ? undefined : `${this.publicBaseUrl}/${encodeKeyPath(key)}`;
  }

  async signedUrl(key: string, options: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const expiresIn = positiveSeconds(options.expiresIn ?? this.options.signedUrlTtl, 'expiresIn');
    const disposition = options.contentDisposition;
    // It becomes a response header: only printable ASCII is safe there (use filename*=UTF-8''…).
    if (disposition !== undefined && !/^[\x20-\x7e]*$/.test(disposition)) {
      throw new StorageError('StoreError', "contentDisposition must be printable ASCII; encode other file names with filename*=UTF-8''…", {
        key,
      });
    }
    const expires = Math.floor(Date.now() / 1000) + expiresIn;
    return `${this.baseUrl}/media/${encodeKeyPath(key)}?${signedMediaQuery(this.options.secret, key, expires, disposition)}`;
  }

  async presignedPost(key: string, options: PresignedPostOptions): Promise<PresignedPost> {
    assertValidKey(key);
    const { contentType, maxBytes } = options;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
      throw new StorageError('StoreError', `maxBytes must be a whole number of bytes, at least 1 (got ${maxBytes}).`, { key });
    if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(contentType))
      throw new StorageError('StoreError', `contentType ${JSON.stringify(contentType)} is not a valid MIME type.`, { key });
    const expires = Math.floor(Date.now() / 1000) + positiveSeconds(options.expiresIn ?? DEFAULT_POST_TTL, 'expiresIn');
    return { url: `${this.baseUrl}/media-upload`, fields: uploadFields(this.options.secret, { key, contentType, maxBytes, expires }) };
  }

  async close(): Promise<void> {
    // Nothing to release: every file handle is closed by the call (or stream) that opened it.
  }
}

function positiveSeconds(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new StorageError('StoreError', `${name} must be a whole number of seconds, at least 1 (got ${value}).`);
  return value;
}
