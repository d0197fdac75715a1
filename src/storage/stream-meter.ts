/**
 * A pass-through stream that counts and hashes what flows through it and enforces a byte
 * limit while streaming: the moment byte `maxBytes + 1` arrives it fails with `TooLarge`, so
 * nothing is ever buffered past the limit. Both drivers put every stream body through one.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { StorageError } from './storage-error.js';

export interface MeterOptions {
  /** Fail with TooLarge once more than this many bytes arrive. */
  maxBytes?: number | undefined;
  /** Fail when the stream ends with a different number of bytes. */
  expectedLength?: number | undefined;
  key?: string | undefined;
}

export class StreamMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;

  constructor(private readonly options: MeterOptions = {}) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const { maxBytes, expectedLength, key } = this.options;
    if (maxBytes !== undefined && this.bytes > maxBytes) {
      callback(tooLarge(maxBytes, key));
      return;
    }
    if (expectedLength !== undefined && this.bytes > expectedLength) {
      callback(new StorageError('StoreError', `The stream is longer than its declared length of ${expectedLength} bytes.`, { key }));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const { expectedLength, key } = this.options;
    if (expectedLength !== undefined && this.bytes !== expectedLength) {
      callback(new StorageError('StoreError', `The stream ended after ${this.bytes} of its declared ${expectedLength} bytes.`, { key }));
      return;
    }
    callback();
  }

  /** Hex sha256 of everything that passed; call once the stream has ended. */
  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}

export function tooLarge(maxBytes: number, key?: string): StorageError {
  return new StorageError('TooLarge', `The object is larger than the limit of ${maxBytes} bytes.`, { key });
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
