/**
 * Media pipeline benchmark (no HTTP, no store): processImage on a 1 MiB 2400×1600 JPEG photo
 * with EXIF orientation 6 and GPS, as a phone would upload it.
 *
 *   npx tsx bench/media.bench.ts            # THREADS=1 to try one libvips thread per image
 *
 * Prints p50/p99 at concurrency 1 and images/s at concurrency 8, with full processing
 * (normalised original + w160/w480/w1200 WebP) and with variants off.
 */
import sharp from 'sharp';
import { configureSharp, processImage, type ProcessOptions } from '../src/media/index.js';
import { makePhoto } from './make-photo.js';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function latency(bytes: Buffer, options: ProcessOptions, runs: number): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await processImage(bytes, options);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(bytes: Buffer, options: ProcessOptions, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await processImage(bytes, options);
    }),
  );
  return total / ((performance.now() - t) / 1000);
}

configureSharp({ threadsPerImage: process.env.THREADS === undefined ? undefined : Number(process.env.THREADS) });
const threads = sharp.concurrency();
const photo = await makePhoto();
const meta = await sharp(photo).metadata();
console.log(`input: ${meta.width}×${meta.height} JPEG, ${(photo.length / 1048576).toFixed(2)} MiB, EXIF orientation ${meta.orientation}, GPS`);
console.log(`libvips threads per image: ${threads}, UV_THREADPOOL_SIZE: ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, cores: ${(await import('node:os')).availableParallelism()}`);

for (const [label, options] of [
  ['full (original + w160/w480/w1200 webp)', { variants: true }],
  ['full, JPEG variants (variantFormat: jpeg)', { variants: true, variantFormat: 'jpeg' }],
  ['variants off (original only)', { variants: false }],
] as const) {
  for (let i = 0; i < 3; i++) await processImage(photo, options); // warm up
  const { p50, p99 } = await latency(photo, options, 30);
  const rate = await throughput(photo, options, 80, 8);
  const sample = await processImage(photo, options);
  const sizes = [sample.original, ...sample.variants].map((v) => `${v.name} ${v.width}×${v.height} ${(v.data.length / 1024).toFixed(0)} KiB`);
  console.log(`\n${label}\n  c=1: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms\n  c=8: ${rate.toFixed(1)} images/s\n  out: ${sizes.join(', ')}`);
}
