/**
 * Round trips through the configured ObjectStore, each verified on the bytes: put / head /
 * ranged get / delete, a signed URL fetched over HTTP, a presigned POST (and one over the
 * limit, which the store itself must refuse), and the public URL. The URLs are the ones the app
 * would hand out: `DeliveryUrls` built from the same config.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { DeliveryUrls } from '../../storage/delivery-urls.js';
import { newAssetPrefix, probeKey, variantKey } from '../../storage/key-locator.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { sha256Hex } from '../../storage/stream-meter.js';
import { type CheckResult, fail, runCheck, skip } from './check.js';
import { fixFor } from './fix-for.js';

const PROBE_BYTES = 64 * 1024;
const POST_LIMIT = 1024;

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function postForm(post: { url: string; fields: Record<string, string> }, bytes: Buffer, contentType: string): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), 'probe.bin');
  return fetch(post.url, { method: 'POST', body: form, signal: AbortSignal.timeout(15_000) });
}

/**
 * @param secret the app's secret, which app-served links (local folder) are signed with; a store
 *   that presigns its own URLs (S3) needs none, so a throwaway one is used when it is not given.
 */
export async function storeChecks(config: Config, store: ObjectStore, secret?: string): Promise<CheckResult[]> {
  const urls = DeliveryUrls.fromConfig(config, secret ?? randomBytes(32).toString('hex'));
  const fix = (err: unknown) => fixFor(config, err);
  const created: string[] = [];
  const results: CheckResult[] = [];
  const signal = AbortSignal.timeout(60_000);
  try {
    const bytes = randomBytes(PROBE_BYTES);
    const key = probeKey('roundtrip.bin');
    results.push(
      await runCheck(
        'put / head / get / delete',
        async () => {
          created.push(key);
          const put = await store.put(key, bytes, { contentType: 'application/octet-stream', signal });
          if (put.sha256 !== sha256Hex(bytes) || put.size !== bytes.length)
            throw new Error(`put reported ${put.size} bytes, sha256 ${put.sha256.slice(0, 12)}…; expected ${bytes.length} bytes`);
          const head = await store.head(key, { signal });
          if (head.size !== bytes.length) throw new Error(`head reports ${head.size} bytes, ${bytes.length} were stored`);
          const ranged = await store.get(key, { range: { start: 1000, end: 1999 }, signal });
          if (!(await readAll(ranged.body)).equals(bytes.subarray(1000, 2000)))
            throw new Error('a ranged get returned other bytes than were stored');
          const whole = await readAll((await store.get(key, { signal })).body);
          if (sha256Hex(whole) !== put.sha256) throw new Error('the object read back has a different sha256 than the one stored');
          await store.delete(key, { signal });
          if (await store.exists(key, { signal })) throw new Error('the object is still there after delete');
          return `64 KiB stored and read back, sha256 ${put.sha256.slice(0, 12)}… verified, ranged get and delete work`;
        },
        fix,
      ),
    );

    const signedKey = probeKey('signed.bin');
    results.push(
      await runCheck(
        'signed URL',
        async () => {
          created.push(signedKey);
          await store.put(signedKey, bytes.subarray(0, 4096), { contentType: 'application/octet-stream', signal });
          const url = await urls.signedUrl(store, signedKey, { expiresIn: 120, contentDisposition: 'attachment; filename="probe.bin"' });
          const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
          if (res.status !== 200) throw new Error(`GET of the signed URL answered HTTP ${res.status}`);
          const body = Buffer.from(await res.arrayBuffer());
          if (!body.equals(bytes.subarray(0, 4096))) throw new Error('the signed URL served other bytes than were stored');
          if (!(res.headers.get('content-disposition') ?? '').includes('probe.bin'))
            throw new Error('the signed URL ignored the asked Content-Disposition');
          return `fetched over HTTP (${new URL(url).origin}), bytes and Content-Disposition match`;
        },
        fix,
      ),
    );

    const postKey = probeKey('post.bin');
    const bigKey = probeKey('post-too-big.bin');
    results.push(
      await runCheck(
        'presigned POST',
        async () => {
          created.push(postKey, bigKey);
          const ok = await postForm(
            await urls.uploadForm(store, postKey, { contentType: 'application/octet-stream', maxBytes: POST_LIMIT }),
            bytes.subarray(0, POST_LIMIT),
            'application/octet-stream',
          );
          if (ok.status >= 300) throw new Error(`a ${POST_LIMIT}-byte upload within the limit was refused with HTTP ${ok.status}`);
          if ((await store.head(postKey, { signal })).size !== POST_LIMIT) throw new Error('the posted object has the wrong size');
          const big = await postForm(
            await urls.uploadForm(store, bigKey, { contentType: 'application/octet-stream', maxBytes: POST_LIMIT }),
            bytes.subarray(0, POST_LIMIT + 1),
            'application/octet-stream',
          );
          if (big.status < 400)
            throw new Error(
              `an upload one byte over the limit was accepted (HTTP ${big.status}): the store does not enforce content-length-range`,
            );
          if (await store.exists(bigKey, { signal })) throw new Error('the over-limit upload was stored');
          return `accepted ${POST_LIMIT} bytes; refused ${POST_LIMIT + 1} bytes itself (HTTP ${big.status})`;
        },
        fix,
      ),
    );

    results.push(await publicUrlCheck(config, store, urls, created, fix, signal));
  } finally {
    if (created.length > 0) await store.deleteMany(created).catch(() => undefined);
  }
  return results;
}

async function publicUrlCheck(
  config: Config,
  store: ObjectStore,
  urls: DeliveryUrls,
  created: string[],
  fix: (err: unknown) => string,
  signal: AbortSignal,
): Promise<CheckResult> {
  const probe = variantKey(newAssetPrefix('doctor'), 'probe', 'png');
  if (urls.publicUrl(store, probe) === undefined) return skip('public URL', 'S3_PUBLIC_URL is not set: images are served by signed URLs');
  return runCheck(
    'public URL',
    async () => {
      created.push(probe);
      const png = Buffer.from(
        '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e5270de20000000049454e44ae426082',
        'hex',
      );
      await store.put(probe, png, { contentType: 'image/png', cacheControl: 'public, max-age=60', signal });
      const url = urls.publicUrl(store, probe)!;
      const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      if (res.status !== 200) {
        return fail(
          'public URL',
          `anonymous GET ${url} answered HTTP ${res.status}`,
          `S3_PUBLIC_URL=${config.s3.publicUrl} does not serve the bucket's t/*/img/* objects: run \`vitrina storage init\` (public-read policy on t/*/img/*) or point S3_PUBLIC_URL at the bucket or CDN.`,
        );
      }
      if (!Buffer.from(await res.arrayBuffer()).equals(png)) throw new Error(`${url} served other bytes than were stored`);
      return `anonymous GET ${url} → 200, bytes match`;
    },
    fix,
  );
}
