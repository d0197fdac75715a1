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

/**
 * What a store can do beyond the core primitives, as data: callers ask `capabilities`, never
 * `instanceof` a driver or its name.
 */
export interface StoreCapabilities {
  /** The store signs time-limited GET URLs itself (S3 presigned GET); otherwise the app serves its objects (`/media/…`). */
  presignedGet: boolean;
  /** The store takes direct browser uploads under a policy it enforces (S3 presigned POST); otherwise the app's `/media-upload`. */
  presignedPost: boolean;
  /** The store's objects can be reached under a public (CDN) base URL (S3_PUBLIC_URL). */
  publicUrl: boolean;
  /**
   * Whether a put carrying `PutOptions.sha256` is refused when the bytes received differ: `true`
   * (the driver hashes what it writes), or `'probe'` (ask the server once: `checksSha256OnWrite`).
   */
  sha256OnWrite: true | 'probe';
  /** Keys one `deleteBatch` request takes (S3: 1000); 0 when the driver deletes one key at a time. */
  deleteBatchSize: number;
}

/**
 * What a storage driver implements: a handful of primitives. The facade (`Store`, store.ts)
 * has already checked the key (and prefix), refused an aborted signal and a body whose known size
 * is over `maxBytes`, and clamped a list's limit to 1..1000; it wraps whatever the driver throws
 * that is not a StorageError, and ends a get's body when the caller's signal fires.
 */
export interface StorageDriver {
  readonly name: 's3' | 'local' | 'spool';
  /** Where objects go, for people: `s3://bucket`, a folder, the database spool. */
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult>;
  /** A valid range (checked by the facade) starting past the end throws ObjectNotFound. */
  get(key: string, options: GetOptions): Promise<GetResult>;
  head(key: string, options: SignalOption): Promise<HeadResult>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string, options: SignalOption): Promise<void>;
  list(prefix: string, options: ListOptions & { limit: number }): Promise<ListPage>;
  close(): Promise<void>;
  /** One request deleting up to `capabilities.deleteBatchSize` keys; per-key failures reported. */
  deleteBatch?(keys: string[], options: SignalOption): Promise<DeleteManyResult>;
  /** With `sha256OnWrite: 'probe'`: whether this server checks the sha256 a put is signed with. */
  probeSha256OnWrite?(options: SignalOption): Promise<boolean>;
  /** With `presignedGet`: a time-limited GET URL. */
  presignGet?(key: string, options: { expiresIn: number; contentDisposition?: string | undefined; cacheControl: string }): Promise<string>;
  /** With `presignedPost`: a form for a direct browser upload to exactly `key`. */
  presignPost?(key: string, options: PresignedPostOptions & { expiresIn: number }): Promise<PresignedPost>;
}

/**
 * The storage facade every caller uses (store.ts: `new Store(driver)`): keys checked once,
 * aborts honoured, every failure a StorageError, and `exists`, `deleteMany` and `listAll` built
 * once over the driver's primitives. URLs for an object are made by `DeliveryUrls`
 * (delivery-urls.ts), which asks the store's capabilities.
 */
export interface ObjectStore {
  readonly driver: StorageDriver['name'];
  /** Where objects go, for people: `s3://bucket` or a folder. */
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  /** The driver itself: for the delivery URLs (presigning) only. */
  readonly backend: StorageDriver;

  /**
   * Stores `body` under `key` (never partially: on any failure nothing is left under `key`).
   * A `Uint8Array` body is sent as one PutObject. The store owns a stream body once called: a
   * failed put never leaves it half-read.
   * @throws StorageError TooLarge | Aborted | InvalidKey | BucketMissing | BadCredentials | AccessDenied | StoreUnreachable | StoreError
   */
  put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult>;

  /**
   * Opens the object (or a byte range of it) as a stream; the caller's abort still ends the body after it returns.
   * @throws StorageError ObjectNotFound (also for a range starting past the end) | StoreError (an invalid range) | …
   */
  get(key: string, options?: GetOptions): Promise<GetResult>;

  /** Size, type, metadata and etag. @throws StorageError ObjectNotFound | … */
  head(key: string, options?: SignalOption): Promise<HeadResult>;

  /** True when the object exists (a head that maps ObjectNotFound to false). */
  exists(key: string, options?: SignalOption): Promise<boolean>;

  /** Deletes one object; deleting a missing key succeeds (idempotent). */
  delete(key: string, options?: SignalOption): Promise<void>;

  /** Deletes any number of keys (in the driver's batches, or a few at a time); per-key failures are reported, not thrown. */
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

  /** Releases sockets and handles. */
  close(): Promise<void>;
}
