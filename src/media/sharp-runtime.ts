/**
 * Process-wide libvips settings, applied once at start-up (the CLI's `serve` and the bench
 * call it; nothing in media/ does on import).
 *
 * Why these defaults: the pipeline decodes each upload once into memory and encodes from
 * there, so libvips' operation cache only holds memory (off). One libvips thread per core
 * per image measured best on a 2-core machine both for a single upload's latency (a decode
 * streams into an encode on the other core: variants off p50 ~40 ms instead of ~65 ms) and
 * for throughput with 8 uploads in flight; the libuv pool (UV_THREADPOOL_SIZE, default 4)
 * bounds how many images are worked on at once, and so the memory they hold.
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';

export interface SharpRuntimeOptions {
  /** libvips threads per image (default: the number of cores). */
  threadsPerImage?: number | undefined;
  /** Keep libvips' operation cache (default false). */
  cache?: boolean | undefined;
}

export function configureSharp(options: SharpRuntimeOptions = {}): void {
  sharp.concurrency(options.threadsPerImage ?? availableParallelism());
  sharp.cache(options.cache ?? false);
}
