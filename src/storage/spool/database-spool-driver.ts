/**
 * The fallback spool in PostgreSQL: a storage driver over the `spool_objects` table, so that
 * while S3 is down every instance on the same database can store, serve and replicate the
 * images uploaded meanwhile. Objects are small (uploads are capped by MAX_UPLOAD_SIZE) and
 * few (only during an outage, under SPOOL_MAX_BYTES), so a row per object is fine.
 *
 * The app serves its objects (`capabilities.presignedGet` is false): DeliveryUrls signs
 * `/media/{key}` links for them and the media route reads them back from here.
 *
 * @example
 *   const spool = new DatabaseSpoolDriver({ db });
 *   const store = new Store(spool);
 *   await store.put(key, bytes, { contentType: 'image/webp' });
 *   if ((await spool.usedBytes()) > config.fallback.maxSpoolBytes) …
 */
import { createHash } from 'node:crypto';
import { Readable, addAbortSignal } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import type {
  DeleteManyResult,
  GetOptions,
  GetResult,
  HeadResult,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
  SignalOption,
  StorageDriver,
  StoreCapabilities,
} from '../object-store.js';
import { StorageError, abortedError, sha256MismatchError } from '../storage-error.js';
import { tooLarge } from '../stream-meter.js';

export interface DatabaseSpoolOptions {
  /** The database the spool table lives in (the runtime's; not closed by the driver). */
  db: Db;
}

const HEAD_COLUMNS = ['key', 'content_type', 'cache_control', 'content_disposition', 'metadata', 'size', 'sha256', 'created_at'] as const;
/** Keys one `DELETE … WHERE key IN (…)` takes: well under PostgreSQL's 65,535 parameters. */
const DELETE_BATCH = 1000;

export class DatabaseSpoolDriver implements StorageDriver {
  readonly name = 'spool' as const;
  readonly location = 'database spool (spool_objects)';
  readonly capabilities: StoreCapabilities = {
    presignedGet: false,
    presignedPost: false,
    publicUrl: false,
    // The put hashes what it stores and keeps nothing when that differs from PutOptions.sha256.
    sha256OnWrite: true,
    deleteBatchSize: DELETE_BATCH,
  };

  constructor(private readonly options: DatabaseSpoolOptions) {}

  private get db(): Db {
    return this.options.db;
  }

  /** A failed query means the database, not the object, is the problem. */
  private async query<T>(key: string | undefined, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    // Kysely cannot cancel a query once sent; an abort is honoured between steps.
    if (signal?.aborted) throw abortedError(signal, key);
    try {
      return await work();
    } catch (err) {
      if (signal?.aborted) throw abortedError(signal, key);
      throw new StorageError('StoreUnreachable', 'The database holding the fallback spool did not answer; check DATABASE_URL.', {
        cause: err,
        key,
      });
    }
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    const bytes =
      body instanceof Uint8Array
        ? Buffer.from(body.buffer, body.byteOffset, body.byteLength)
        : await readAll(body, options.maxBytes, key, options.signal);
    // Over maxBytes is refused before here: a byte body by the facade (store.ts), a stream by readAll.
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
    await this.query(key, options.signal, () =>
      this.db
        .insertInto('spool_objects')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet({ ...row, created_at: sql<Date>`now()` }))
        .execute(),
    );
    return { key, size: bytes.length, sha256, etag: `"${sha256}"` };
  }

  /** One query: the row's metadata and the asked part of its body (PostgreSQL cuts the range). */
  async get(key: string, options: GetOptions): Promise<GetResult> {
    const start = options.range?.start ?? 0;
    const end = options.range?.end;
    const part =
      end === undefined
        ? sql<Uint8Array>`substring(body from ${start + 1})`
        : sql<Uint8Array>`substring(body from ${start + 1} for ${end - start + 1})`;
    const row = await this.query(key, options.signal, () =>
      this.db
        .selectFrom('spool_objects')
        .select([...HEAD_COLUMNS, part.as('part')])
        .where('key', '=', key)
        .executeTakeFirst(),
    );
    if (row === undefined) throw notFound(key);
    if (options.range !== undefined && start >= row.size) {
      throw new StorageError('ObjectNotFound', `Range starts past the end of object ${JSON.stringify(key)}.`, { key });
    }
    const bytes = Buffer.from(row.part);
    const { size, ...head } = headOf(row);
    return {
      ...head,
      body: Readable.from([bytes]),
      contentLength: bytes.length,
      totalSize: size,
      range: options.range === undefined ? undefined : { start, end: start + bytes.length - 1 },
    };
  }

  async head(key: string, options: SignalOption): Promise<HeadResult> {
    const row = await this.query(key, options.signal, () =>
      this.db.selectFrom('spool_objects').select(HEAD_COLUMNS).where('key', '=', key).executeTakeFirst(),
    );
    if (row === undefined) throw notFound(key);
    return headOf(row);
  }

  async delete(key: string, options: SignalOption): Promise<void> {
    await this.query(key, options.signal, () => this.db.deleteFrom('spool_objects').where('key', '=', key).execute());
  }

  /** One DELETE for the whole batch; a missing key is deleted too (idempotent). */
  async deleteBatch(keys: string[], options: SignalOption): Promise<DeleteManyResult> {
    if (keys.length > 0) {
      await this.query(undefined, options.signal, () => this.db.deleteFrom('spool_objects').where('key', 'in', keys).execute());
    }
    return { deleted: [...keys], failed: [] };
  }

  async list(prefix: string, options: ListOptions & { limit: number }): Promise<ListPage> {
    const { limit, token } = options;
    const rows = await this.query(undefined, options.signal, () => {
      // Byte order (collate "C"), as S3 lists; the token is the last key of the previous page.
      let q = this.db
        .selectFrom('spool_objects')
        .select(['key', 'size', 'sha256', 'created_at'])
        .orderBy(sql`key collate "C"`)
        .limit(limit + 1);
      if (prefix !== '') q = q.where(sql<boolean>`starts_with(key, ${prefix})`);
      if (token !== undefined) q = q.where(sql<boolean>`key collate "C" > ${token}`);
      return q.execute();
    });
    const objects = rows.slice(0, limit).map((r) => ({ key: r.key, size: r.size, lastModified: r.created_at, etag: `"${r.sha256}"` }));
    return { objects, nextToken: rows.length > limit ? objects.at(-1)!.key : undefined };
  }

  async close(): Promise<void> {
    // The database handle belongs to the runtime.
  }

  /** Bytes held (for the spool's size cap, SPOOL_MAX_BYTES). */
  async usedBytes(options: SignalOption = {}): Promise<number> {
    const row = await this.query(undefined, options.signal, () =>
      this.db
        .selectFrom('spool_objects')
        .select(sql<number>`coalesce(sum(size), 0)::bigint`.as('bytes'))
        .executeTakeFirstOrThrow(),
    );
    return Number(row.bytes);
  }
}

interface HeadRow {
  key: string;
  content_type: string;
  cache_control: string | null;
  content_disposition: string | null;
  metadata: Record<string, string>;
  size: number;
  sha256: string;
  created_at: Date;
}

function headOf(row: HeadRow): HeadResult {
  return {
    key: row.key,
    size: row.size,
    contentType: row.content_type,
    cacheControl: row.cache_control ?? undefined,
    contentDisposition: row.content_disposition ?? undefined,
    metadata: row.metadata,
    etag: `"${row.sha256}"`,
    lastModified: row.created_at,
    sha256: row.sha256,
  };
}

function notFound(key: string): StorageError {
  return new StorageError('ObjectNotFound', `Object ${JSON.stringify(key)} is not in the spool.`, { key });
}

/** The whole stream, refused as soon as it passes `maxBytes` (the rest is never read). */
async function readAll(body: Readable, maxBytes: number | undefined, key: string, signal: AbortSignal | undefined): Promise<Buffer> {
  // A stalled body must not hold an aborted put: the abort destroys the stream, which ends the loop.
  if (signal !== undefined) addAbortSignal(signal, body);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (maxBytes !== undefined && total > maxBytes) {
      body.destroy();
      throw tooLarge(maxBytes, key);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}
