/**
 * The ObjectStore contract: what every storage driver (S3, local disk) promises.
 *
 * Keys are opaque, already-normalised strings made by the key locator (`key-locator.ts`);
 * drivers check them once with `assertValidKey` and never build keys themselves.
 *
 * Every I/O method takes an optional `AbortSignal`. Aborting rejects the call with a
 * `StorageError` of code `Aborted` and leaves nothing behind (no partial object, no open
 * multipart upload, no temp file).
 *
 * Every failure is a {@link StorageError} whose `code` says what went wrong and whose
 * `cause` is the provider's own error:
 *   ObjectNotFound, AccessDenied, BadCredentials, StoreUnreachable, BucketMissing,
 *   TooLarge, Aborted, InvalidKey, StoreError (anything else).
 *
 * @example
 *   const { size, sha256 } = await store.put(key, fs.createReadStream(file), {
 *     contentType: 'image/webp', maxBytes: config.maxUploadSize, signal,
 *   });
 *   const { body } = await store.get(key, { range: { start: 0, end: 1023 } });
 */
import type { Readable } from 'node:stream';
import type { StorageError } from './storage-error.js';

export type StorageErrorCode =
  | 'ObjectNotFound'
  | 'AccessDenied'
  | 'BadCredentials'
  | 'StoreUnreachable'
  | 'BucketMissing'
  | 'TooLarge'
  | 'Aborted'
  | 'InvalidKey'
  | 'StoreError';

export interface SignalOption {
  signal?: AbortSignal | undefined;
}

export interface PutOptions extends SignalOption {
  /** MIME type stored with the object and sent back on get. */
  contentType: string;
  /** e.g. `public, max-age=31536000, immutable` (keys are never overwritten). */
  cacheControl?: string | undefined;
  contentDisposition?: string | undefined;
  /** User metadata; keys lowercase ASCII, values ASCII (encode anything else). */
  metadata?: Record<string, string> | undefined;
  /**
   * Exact length of a stream body when known. A known length up to the multipart threshold
   * goes as one PutObject; an unknown or larger one as a multipart upload with equal-sized
   * parts. A stream that ends before or runs past it fails the put.
   */
  contentLength?: number | undefined;
  /**
   * Byte limit enforced while streaming: the put fails with `TooLarge` as soon as byte
   * `maxBytes + 1` arrives (or at once when `contentLength` is larger) and stores nothing.
   */
  maxBytes?: number | undefined;
  /**
   * Lowercase hex sha256 of a byte body, when the caller has it already (the source store
   * recorded it): the S3 driver signs it as the payload hash instead of hashing the bytes, and
   * the server refuses the put (`XAmzContentSHA256Mismatch`) if what it received does not
   * match; the local driver and the spool compare it with the hash of what they wrote and keep
   * nothing when it differs. Either way the put fails with a StoreError saying so.
   */
  sha256?: string | undefined;
}

export interface PutResult {
  key: string;
  /** Bytes stored. */
  size: number;
  /** Lowercase hex sha256 of the bytes stored. */
  sha256: string;
  etag: string | undefined;
}

export interface HeadResult {
  key: string;
  size: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  contentDisposition: string | undefined;
  metadata: Record<string, string>;
  etag: string | undefined;
  lastModified: Date | undefined;
  /**
   * Lowercase hex sha256 of the object as the store recorded it when it was written, where the
   * store keeps one (the local driver's metadata, when it agrees with the file's size).
   */
  sha256?: string | undefined;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` omitted means to the end. */
export interface ByteRange {
  start: number;
  end?: number | undefined;
}

export interface GetOptions extends SignalOption {
  range?: ByteRange | undefined;
}

export interface GetResult extends Omit<HeadResult, 'size'> {
  body: Readable;
  /** Bytes in `body` (the range's length for a ranged get). */
  contentLength: number;
  /** Size of the whole object. */
  totalSize: number;
  /** The range actually returned, inclusive, when a range was asked for. */
  range: { start: number; end: number } | undefined;
}

export interface ListOptions extends SignalOption {
  /** Opaque token from the previous page's `nextToken`. */
  token?: string | undefined;
  /** Page size, at most 1000 (default 1000). */
  limit?: number | undefined;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date | undefined;
  etag: string | undefined;
}

export interface ListPage {
  /** In ascending key order. */
  objects: ListedObject[];
  /** Present when there is another page. */
  nextToken: string | undefined;
}

export interface DeleteManyResult {
  deleted: string[];
  failed: { key: string; error: StorageError }[];
}

export interface SignedUrlOptions {
  /** Seconds the URL stays valid (default: the configured SIGNED_URL_TTL). */
  expiresIn?: number | undefined;
  /** Sent back as the response's Content-Disposition, e.g. `attachment; filename="x.jpg"`. */
  contentDisposition?: string | undefined;
}

export interface PresignedPostOptions {
  /** The only Content-Type the store accepts for this upload. */
  contentType: string;
  /** Largest accepted body in bytes (content-length-range 1..maxBytes). */
  maxBytes: number;
  /** Seconds the form stays valid (default 600). */
  expiresIn?: number | undefined;
}

/** A form a browser posts as multipart/form-data: all `fields`, then the file as field `file`. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

export interface ObjectStore {
  /** `s3` or `local`. */
  readonly driver: 's3' | 'local';
  /** Where objects go, for people: `s3://bucket` or a folder. */
  readonly location: string;

  /**
   * Stores `body` under `key` (never partially: on any failure nothing is left under `key`).
   * A `Uint8Array` body is sent as one PutObject.
   * @throws StorageError TooLarge | Aborted | InvalidKey | BucketMissing | BadCredentials | AccessDenied | StoreUnreachable | StoreError
   */
  put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult>;

  /**
   * Opens the object (or a byte range of it) as a stream.
   * @throws StorageError ObjectNotFound (also for a range starting past the end: `InvalidKey` is never used for ranges) | …
   */
  get(key: string, options?: GetOptions): Promise<GetResult>;

  /** Size, type, metadata and etag. @throws StorageError ObjectNotFound | … */
  head(key: string, options?: SignalOption): Promise<HeadResult>;

  /** True when the object exists (a head that maps ObjectNotFound to false). */
  exists(key: string, options?: SignalOption): Promise<boolean>;

  /** Deletes one object; deleting a missing key succeeds (idempotent). */
  delete(key: string, options?: SignalOption): Promise<void>;

  /** Deletes up to any number of keys (batched by 1000); per-key failures are reported, not thrown. */
  deleteMany(keys: readonly string[], options?: SignalOption): Promise<DeleteManyResult>;

  /** One page of objects whose keys start with `prefix`, ascending. */
  list(prefix: string, options?: ListOptions): Promise<ListPage>;

  /** Every object under `prefix`, page by page. */
  listAll(prefix: string, options?: SignalOption): AsyncIterable<ListedObject>;

  /**
   * Whether a put that carries `PutOptions.sha256` is refused when the bytes the store received
   * do not match it — which makes every such put its own proof that the store holds exactly
   * those bytes (`vitrina storage migrate --check on-write`). True for the local driver and the
   * spool (they hash what they write); for S3, whether this server checks the signed payload
   * hash (AWS, MinIO and Ceph RGW do): found out once by a tiny put under `_vitrina/` with a
   * wrong hash, which a checking server refuses, and remembered.
   * @throws StorageError when the store cannot be asked (unreachable, bad credentials, …)
   */
  checksSha256OnWrite(options?: SignalOption): Promise<boolean>;

  /** Server-side copy (content type, cache control and metadata kept). @throws StorageError ObjectNotFound | … */
  copy(sourceKey: string, destinationKey: string, options?: SignalOption): Promise<void>;

  /** The object's public (or CDN) URL, or `undefined` when the store has no public base. */
  publicUrl(key: string): string | undefined;

  /** A time-limited GET URL that works without credentials. */
  signedUrl(key: string, options?: SignedUrlOptions): Promise<string>;

  /**
   * A presigned POST for a direct browser upload to exactly `key`, enforced by the store
   * itself: only that key, only that Content-Type, only 1..maxBytes bytes, only until expiry.
   */
  presignedPost(key: string, options: PresignedPostOptions): Promise<PresignedPost>;

  /** Releases sockets and handles. */
  close(): Promise<void>;
}
