/**
 * One upload, end to end: size limit while reading → sniff → decode → normalise → variants
 * → store. Nothing is stored unless every check passed, and a failed store leaves nothing.
 *
 * @example
 *   const asset = await ingestUpload(part.file, {
 *     store, tenantId: tenant.id, fileName: part.filename, maxBytes: config.maxUploadSize,
 *     allowedTypes: config.allowedImageTypes, variants: true, signal,
 *   });
 */
import type { ObjectStore } from '../storage/object-store.js';
import { processImage, type ProcessedImage, type ProcessOptions } from './process-image.js';
import type { Semaphore } from './semaphore.js';
import { abortError, readWithLimit, type ByteSource } from './size-limit.js';
import { storeProcessedImage, type AssetRecord } from './store-image.js';

export interface IngestOptions extends ProcessOptions {
  store: ObjectStore;
  tenantId: string | number;
  /** The client's file name: sanitised and kept as metadata only. */
  fileName?: string | undefined;
  /** Bytes accepted; byte maxBytes + 1 fails the upload with TooLarge. */
  maxBytes: number;
  signal?: AbortSignal | undefined;
  /** Bounds how many uploads are decoded at once (memory); shared by the whole app. */
  decodeSlots?: Semaphore | undefined;
}

/**
 * @throws AppError TooLarge | UnsupportedMediaType | Unprocessable | Aborted, or a StorageError from the store
 */
export async function ingestUpload(source: ByteSource, options: IngestOptions): Promise<AssetRecord> {
  const { store, tenantId, fileName, maxBytes, signal } = options;
  const bytes = await readWithLimit(source, maxBytes, signal);
  const process = (): Promise<ProcessedImage> => processImage(bytes, options);
  const processed = options.decodeSlots ? await options.decodeSlots.run(process) : await process();
  // Processing is not cancellable mid-way; don't start storing for a client that has gone.
  if (signal?.aborted) throw abortError(signal);
  return storeProcessedImage(store, tenantId, processed, fileName, signal);
}
