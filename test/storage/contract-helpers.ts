/** Streams and checks shared by the contract suite (driver-neutral). */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { isStorageError } from '../../src/storage/storage-error.js';
import type { StorageErrorCode } from '../../src/storage/object-store.js';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function bytes(n: number): Buffer {
  return randomBytes(n);
}

/** `data` as a stream of `chunk`-byte pieces (the length is not discoverable from the stream). */
export function streamOf(data: Buffer, chunk = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null);
        return;
      }
      this.push(data.subarray(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/**
 * A stream that never ends: a 64 KiB chunk every millisecond or so. `onFed` sees the running
 * total, so a test can abort once enough has gone through.
 */
export function endlessStream(onFed: (total: number) => void, chunk = 64 * 1024): Readable & { fed: () => number } {
  const piece = Buffer.alloc(chunk, 0x5a);
  let total = 0;
  const stream = new Readable({
    read() {
      setTimeout(() => {
        if (stream.destroyed) return;
        total += piece.length;
        this.push(piece);
        onFed(total);
      }, 1);
    },
  });
  return Object.assign(stream, { fed: () => total });
}

/** A stream that records whether anyone read from it. */
export function untouchedStream(): Readable & { touched: () => boolean } {
  let touched = false;
  const stream = new Readable({
    read() {
      touched = true;
      this.push(null);
    },
  });
  return Object.assign(stream, { touched: () => touched });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Awaits `promise` and checks it failed with a StorageError of `code`; returns the error. */
export async function expectStorageError(promise: Promise<unknown>, code: StorageErrorCode) {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected StorageError ${code}`).toBeDefined();
  if (!isStorageError(caught, code)) {
    throw new Error(
      `expected StorageError ${code}, got ${String((caught as Error)?.name)} ${String((caught as { code?: string }).code)}: ${(caught as Error)?.message}`,
      { cause: caught },
    );
  }
  return caught;
}

/** A multipart/form-data POST as a browser sends it: every field, then the file last. */
export async function postForm(url: string, fields: Record<string, string>, file: Buffer, type: string): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file)], { type }), 'upload.bin');
  return fetch(url, { method: 'POST', body: form, redirect: 'manual' });
}
