/**
 * The fallback spool in PostgreSQL: an ObjectStore over the `spool_objects` table, so that
 * while S3 is down every instance on the same database can store, serve and replicate the
 * images uploaded meanwhile. Objects are small (uploads are capped by MAX_UPLOAD_SIZE) and
 * few (only during an outage, under SPOOL_MAX_BYTES), so a row per object is fine.
 *
 * Served by the app: `signedUrl` makes the same HMAC-signed `/media/{key}` URLs as the local
 * driver, and the media route reads them back from here.
 *
 * @example
 *   const spool = new DatabaseSpoolStore({ db, baseUrl: config.appUrl, secret, signedUrlTtl: 3600 });
 *   await spool.put(key, bytes, { contentType: 'image/webp' });
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import { assertValidKey, assertValidPrefix } from '../keys.js';
import { encodeKeyPath, signedMediaQuery } from '../local/media-signature.js';
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
  PutOptions,
  PutResult,
  SignalOption,
  SignedUrlOptions,
} from '../object-store.js';
import { StorageError, abortedError, sha256MismatchError } from '../storage-error.js';
import { tooLarge } from '../stream-meter.js';
import { listAllPages } from '../list-all.js';

export interface DatabaseSpoolOptions {
  db: Db;
  /** APP_URL: signed URLs point at the app's /media route. */
  baseUrl: string;
  secret: string;
  signedUrlTtl: number;
}

const HEAD_COLUMNS = ['key', 'content_type', 'cache_control', 'content_disposition', 'metadata', 'size', 'sha256', 'created_at'] as const;

export class DatabaseSpoolStore implements ObjectStore {
  readonly driver = 'local' as const;
  readonly location = 'database spool (spool_objects)';
  private readonly baseUrl: string;

  constructor(private readonly options: DatabaseSpoolOptions) {
    // Trailing slashes off; the lookbehind lets a match start only where a run of slashes does, so it stays linear.
    this.baseUrl = options.baseUrl.replace(/(?<!\/)\/+$/, '');
  }

  private get db(): Db {
    return this.options.db;
  }

  private async run<T>(key: string | undefined, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw abortedError(signal, key);
    try {
      return await work();
    } catch (err) {
      if (err instanceof StorageError) throw err;
      throw new StorageError('StoreUnreachable', 'The database holding the fallback spool did not answer; check DATABASE_URL.', {
        cause: err,
        key,
      });
    }
  }

  /** The put hashes what it stores and keeps nothing when that differs from `PutOptions.sha256`. */
  async checksSha256OnWrite(): Promise<boolean> {
    return true;
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    assertValidKey(key);
    const declared = body instanceof Uint8Array ? body.byteLength : options.contentLength;
    if (options.maxBytes !== undefined && declared !== undefined && declared > options.maxBytes) {
      if (!(body instanceof Uint8Array)) body.destroy();
      throw tooLarge(options.maxBytes, key);
    }
    const bytes =
      body instanceof Uint8Array
        ? Buffer.from(body.buffer, body.byteOffset, body.byteLength)
        : await readAll(body, options.maxBytes, key, options.signal);
    if (options.maxBytes !== undefined && bytes.length > options.maxBytes) throw tooLarge(options.maxBytes, key);
    if (options.contentLength !== undefined && options.contentLength !== bytes.length) {
      throw new StorageError('StoreError', `The body has ${bytes.length} bytes, not the ${options.contentLength} announced.`, { key });
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (options.sha256 !== undefined && options.sha256 !== sha256) throw sha256MismatchError(`The ${this.location}`, key);
    const row = {
      key,
      content_type: options.contentType,
      cache_control: options.cacheControl ?? null,
      content_disposition: options.contentDisposition ?? null,
      metadata: JSON.stringify(options.metadata ?? {}),
      size: bytes.length,
      sha256,
      body: bytes,
    };
    await this.run(key, options.signal, () =>
      this.db
        .insertInto('spool_objects')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet({ ...row, created_at: sql<Date>`now()` }))
        .execute(),
    );
    return { key, size: bytes.length, sha256, etag: `"${sha256}"` };
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const head = await this.head(key, options);
    const { range } = options;
    let start = 0;
    let end = head.size - 1;
    if (range !== undefined) {
      if (range.start >= head.size)
        throw new StorageError('ObjectNotFound', `Range starts past the end of object ${JSON.stringify(key)}.`, { key });
      start = range.start;
      end = Math.min(range.end ?? head.size - 1, head.size - 1);
    }
    const length = Math.max(0, end - start + 1);
    const row = await this.run(key, options.signal, () =>
      this.db
        .selectFrom('spool_objects')
        .select(sql<Uint8Array>`substring(body from ${start + 1} for ${length})`.as('part'))
        .where('key', '=', key)
        .executeTakeFirst(),
    );
    if (row === undefined) throw new StorageError('ObjectNotFound', `Object ${JSON.stringify(key)} is not in the spool.`, { key });
    const part = Buffer.from(row.part);
    return {
      ...head,
      body: Readable.from([part]),
      contentLength: part.length,
      totalSize: head.size,
      range: range === undefined ? undefined : { start, end },
    };
  }

  async head(key: string, options: SignalOption = {}): Promise<HeadResult> {
    assertValidKey(key);
    const row = await this.run(key, options.signal, () =>
      this.db.selectFrom('spool_objects').select(HEAD_COLUMNS).where('key', '=', key).executeTakeFirst(),
    );
    if (row === undefined) throw new StorageError('ObjectNotFound', `Object ${JSON.stringify(key)} is not in the spool.`, { key });
    return {
      key,
      size: row.size,
      contentType: row.content_type,
      cacheControl: row.cache_control ?? undefined,
      contentDisposition: row.content_disposition ?? undefined,
      metadata: row.metadata,
      etag: `"${row.sha256}"`,
      lastModified: row.created_at,
    };
  }

  async exists(key: string, options: SignalOption = {}): Promise<boolean> {
    assertValidKey(key);
    const row = await this.run(key, options.signal, () =>
      this.db.selectFrom('spool_objects').select('key').where('key', '=', key).executeTakeFirst(),
    );
    return row !== undefined;
  }

  async delete(key: string, options: SignalOption = {}): Promise<void> {
    assertValidKey(key);
    await this.run(key, options.signal, () => this.db.deleteFrom('spool_objects').where('key', '=', key).execute());
  }

  async deleteMany(keys: readonly string[], options: SignalOption = {}): Promise<DeleteManyResult> {
    const result: DeleteManyResult = { deleted: [], failed: [] };
    const valid: string[] = [];
    for (const key of keys) {
      try {
        assertValidKey(key);
        valid.push(key);
      } catch (err) {
        result.failed.push({ key: String(key), error: err as StorageError });
      }
    }
    for (let i = 0; i < valid.length; i += 1000) {
      const batch = valid.slice(i, i + 1000);
      await this.run(undefined, options.signal, () => this.db.deleteFrom('spool_objects').where('key', 'in', batch).execute());
      result.deleted.push(...batch);
    }
    return result;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 1000), 1), 1000);
    const rows = await this.run(undefined, options.signal, () => {
      let q = this.db
        .selectFrom('spool_objects')
        .select(['key', 'size', 'sha256', 'created_at'])
        .orderBy(sql`key collate "C"`)
        .limit(limit + 1);
      if (prefix !== '') q = q.where(sql<boolean>`starts_with(key, ${prefix})`);
      if (options.token !== undefined) q = q.where(sql<boolean>`key collate "C" > ${options.token}`);
      return q.execute();
    });
    const objects: ListedObject[] = rows
      .slice(0, limit)
      .map((r) => ({ key: r.key, size: r.size, lastModified: r.created_at, etag: `"${r.sha256}"` }));
    return { objects, nextToken: rows.length > limit ? objects.at(-1)!.key : undefined };
  }

  listAll(prefix: string, options: SignalOption = {}): AsyncIterable<ListedObject> {
    return listAllPages(this, prefix, options);
  }

  async copy(sourceKey: string, destinationKey: string, options: SignalOption = {}): Promise<void> {
    assertValidKey(sourceKey);
    assertValidKey(destinationKey);
    const copied = await this.run(sourceKey, options.signal, () =>
      sql`insert into spool_objects (key, content_type, cache_control, content_disposition, metadata, size, sha256, body)
          select ${destinationKey}, content_type, cache_control, content_disposition, metadata, size, sha256, body
          from spool_objects where key = ${sourceKey}
          on conflict (key) do update set content_type = excluded.content_type, cache_control = excluded.cache_control,
            content_disposition = excluded.content_disposition, metadata = excluded.metadata, size = excluded.size,
            sha256 = excluded.sha256, body = excluded.body, created_at = now()`.execute(this.db),
    );
    if (Number(copied.numAffectedRows ?? 0n) === 0)
      throw new StorageError('ObjectNotFound', `Object ${JSON.stringify(sourceKey)} is not in the spool.`, { key: sourceKey });
  }

  publicUrl(key: string): string | undefined {
    assertValidKey(key);
    return undefined;
  }

  async signedUrl(key: string, options: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + (options.expiresIn ?? this.options.signedUrlTtl);
    return `${this.baseUrl}/media/${encodeKeyPath(key)}?${signedMediaQuery(this.options.secret, key, expires, options.contentDisposition)}`;
  }

  async presignedPost(key: string): Promise<PresignedPost> {
    throw new StorageError('StoreError', 'The fallback spool takes no direct browser uploads.', { key });
  }

  async close(): Promise<void> {
    // The database handle belongs to the runtime.
  }

  /** Bytes held (for the spool's size cap). */
  async usedBytes(): Promise<number> {
    const row = await this.run(undefined, undefined, () =>
      this.db
        .selectFrom('spool_objects')
        .select(sql<number>`coalesce(sum(size), 0)::bigint`.as('bytes'))
        .executeTakeFirstOrThrow(),
    );
    return Number(row.bytes);
  }
}

async function readAll(body: Readable, maxBytes: number | undefined, key: string, signal: AbortSignal | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    if (signal?.aborted) {
      body.destroy();
      throw abortedError(signal, key);
    }
    total += (chunk as Buffer).length;
    if (maxBytes !== undefined && total > maxBytes) {
      body.destroy();
      throw tooLarge(maxBytes, key);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}
