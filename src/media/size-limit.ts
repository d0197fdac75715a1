/**
 * Reads an upload into memory while enforcing the size limit as the bytes arrive: the moment
 * byte `maxBytes + 1` arrives the read fails with `TooLarge` and the source is released
 * (its iterator's `return()` destroys a Node stream), so an oversized body is never buffered
 * and the rest of it is never pulled.
 */
import { AppError } from '../errors.js';

export type ByteSource = AsyncIterable<Uint8Array | string>;

/** `2097152` → `"2.0 MB"`: the limit as the first app showed it (MiB, one decimal). */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function tooLargeError(maxBytes: number): AppError {
  return new AppError('TooLarge', `File too large. Maximum ${formatMegabytes(maxBytes)}`);
}

export function abortError(signal: AbortSignal): AppError {
  return new AppError('Aborted', 'The upload was aborted.', { cause: signal.reason });
}

/**
 * @example
 *   const bytes = await readWithLimit(request.file.stream, config.maxUploadSize, signal);
 * @throws AppError TooLarge (at byte maxBytes + 1) | Aborted (when `signal` fires)
 */
export async function readWithLimit(source: ByteSource, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  if (signal?.aborted) throw abortError(signal);
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const step = await nextOrAbort(iterator, signal);
      if (step.done) {
        finished = true;
        break;
      }
      const chunk =
        typeof step.value === 'string'
          ? Buffer.from(step.value)
          : Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
      total += chunk.length;
      if (total > maxBytes) throw tooLargeError(maxBytes);
      chunks.push(chunk);
    }
  } finally {
    // Stop the producer: destroys a Node stream, ends a generator without pulling more.
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  return Buffer.concat(chunks, total);
}

/** A stalled client must not hold the request open after an abort, so race each read. */
function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T>> {
  if (!signal) return iterator.next();
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (step) => {
        signal.removeEventListener('abort', onAbort);
        resolve(step);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
