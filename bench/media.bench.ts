/**
 * Media pipeline benchmark (no HTTP, no store): the upload request's checks and processImage
 * on a 1 MiB 2400×1600 JPEG photo with EXIF orientation 6 and GPS, as a phone would upload it,
 * and the request's checks on two PNGs.
 *
 *   npx tsx bench/media.bench.ts            # THREADS=1 to try one libvips thread per image
 *   CHECKS_ONLY=1 npx tsx bench/media.bench.ts
 *
 * Prints, for the request-time checks (media/inspect-upload.ts), each step's p50/p99 at
 * concurrency 1 — the header read, the markup and container scan, the decode check — and the
 * whole inspection's rate at concurrency 8 through one decode slot per core, as the server
 * runs it. The upload is put while these run: the checks cost the request nothing of their own
 * as long as they end before the put (~10–15 ms for 1 MiB to a local RGW). Then, for
 * processing, p50/p99 at concurrency 1 and images/s at concurrency 8, with full processing
 * (normalised original + w160/w480/w1200 WebP) and with variants off.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { containerProblem } from '../src/media/container-check.js';
import { checkDecodes } from '../src/media/decode-check.js';
import { readHeader } from '../src/media/decode.js';
import { configureSharp, findMarkup, processImage, Semaphore, sniffImageType } from '../src/media/index.js';
import { inspectUpload } from '../src/media/inspect-upload.js';
import { makePhoto } from './make-photo.js';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Wall-clock p50/p99, and the CPU time per run of every thread (libvips' too): the cost that load on the machine does not inflate much. */
async function latency(run: () => unknown, runs: number): Promise<{ p50: number; p99: number; cpu: number }> {
  const times: number[] = [];
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  const used = process.cpuUsage(start);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), cpu: (used.user + used.system) / 1000 / runs };
}

async function throughput(run: () => Promise<unknown>, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await run();
    }),
  );
  return total / ((performance.now() - t) / 1000);
}

const ms = ({ p50, p99, cpu }: { p50: number; p99: number; cpu: number }) =>
  `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, CPU ${cpu.toFixed(1)} ms`;

/** Each request-time check on `bytes` alone, then the whole inspection at c=8 through one decode slot per core. */
async function checks(label: string, bytes: Buffer): Promise<void> {
  const type = await sniffImageType(bytes);
  const header = await readHeader(bytes, type);
  const stored =
    header.orientation !== undefined && header.orientation >= 5 ? `${header.height}×${header.width}` : `${header.width}×${header.height}`;
  for (let i = 0; i < 3; i++) await inspectUpload(bytes); // warm up
  const slots = new Semaphore(availableParallelism());
  console.log(
    `\nrequest-time checks, ${label} (${stored}, ${(bytes.length / 1048576).toFixed(2)} MiB)` +
      `\n  header (readHeader):          ${ms(await latency(() => readHeader(bytes, type), 30))}` +
      `\n  markup + container scan:      ${ms(await latency(() => [findMarkup(bytes), containerProblem(bytes, type.format)], 30))}` +
      `\n  decode check (checkDecodes):  ${ms(await latency(() => checkDecodes(bytes, type, header), 30))}` +
      `\n  all of them (inspectUpload):  ${ms(await latency(() => inspectUpload(bytes), 30))}` +
      `\n  ${`c=8, ${slots.size} decode slots:`.padEnd(29)} ${(await throughput(() => inspectUpload(bytes, { decodeSlots: slots }), 80, 8)).toFixed(1)} uploads/s`,
  );
}

/**
 * The markup scan (media/polyglot.ts) on 2 MiB of adversarial near misses against 2 MiB of
 * random bytes, in the same run: each must stay within a small multiple of the random input's
 * time (a linear scan), never grow with how the bytes are arranged.
 */
function markupScan(): void {
  const size = 2 * 1024 * 1024;
  const fastest = (bytes: Buffer) => {
    findMarkup(bytes);
    let best = Infinity;
    for (let run = 0; run < 7; run++) {
      const started = performance.now();
      findMarkup(bytes);
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  const baseline = fastest(randomBytes(size));
  console.log(`\nmarkup scan, 2 MiB: random bytes ${baseline.toFixed(2)} ms (fastest of 7)`);
  for (const unit of ['<svx', '<SvX', '<scrip', '<', '<!doctyp', '<?xm', 'javascrip:', 't:', '<objec<embe']) {
    const ms = fastest(Buffer.alloc(size, unit, 'latin1'));
    console.log(`  ${JSON.stringify(unit).padEnd(16)} repeated: ${ms.toFixed(2)} ms, ${(ms / baseline).toFixed(1)}× random`);
  }
}

configureSharp({ threadsPerImage: process.env.THREADS === undefined ? undefined : Number(process.env.THREADS) });
const threads = sharp.concurrency();
const photo = await makePhoto();
const meta = await sharp(photo).metadata();
console.log(
  `input: ${meta.width}×${meta.height} JPEG, ${(photo.length / 1048576).toFixed(2)} MiB, EXIF orientation ${meta.orientation}, GPS`,
);
console.log(
  `libvips threads per image: ${threads}, UV_THREADPOOL_SIZE: ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, cores: ${availableParallelism()}`,
);

await checks('the JPEG photo', photo);
// A PNG of the photo's noisy detail is heavy for its pixels; a flat graphic is light for its bytes.
await checks('PNG of the photo at 640 px wide', await sharp(photo).autoOrient().resize(640).png().toBuffer());
await checks(
  'PNG graphic (flat shapes, gradient)',
  await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#e8e4dc' } })
    .composite([
      {
        input: Buffer.from(
          '<svg width="2400" height="1600"><defs><linearGradient id="g"><stop offset="0" stop-color="#1d4e89"/><stop offset="1" stop-color="#f2a541"/></linearGradient></defs><circle cx="1200" cy="800" r="600" fill="url(#g)"/><rect x="200" y="200" width="500" height="300" fill="#c0392b"/><text x="300" y="1400" font-size="160" fill="#333">Vitrina</text></svg>',
        ),
      },
    ])
    .png()
    .toBuffer(),
);
markupScan();
if (process.env.CHECKS_ONLY !== undefined) process.exit(0);

for (const [label, options] of [
  ['full (original + w160/w480/w1200 webp)', { variants: true }],
  ['full, JPEG variants (variantFormat: jpeg)', { variants: true, variantFormat: 'jpeg' }],
  ['variants off (original only)', { variants: false }],
] as const) {
  for (let i = 0; i < 3; i++) await processImage(photo, options); // warm up
  const { p50, p99 } = await latency(() => processImage(photo, options), 30);
  const rate = await throughput(() => processImage(photo, options), 80, 8);
  const sample = await processImage(photo, options);
  const sizes = [sample.original, ...sample.variants].map(
    (v) => `${v.name} ${v.width}×${v.height} ${(v.data.length / 1024).toFixed(0)} KiB`,
  );
  console.log(
    `\n${label}\n  c=1: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms\n  c=8: ${rate.toFixed(1)} images/s\n  out: ${sizes.join(', ')}`,
  );
}
