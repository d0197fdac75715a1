/**
 * What the storage migration tests start from: asset rows whose objects are in a store (made
 * directly, without image processing, so a test can have hundreds in a second), and stores
 * wrapped to count or spoil what a migration puts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { AssetVariant, Db } from '../../src/db/schema.js';
import { insertAsset } from '../../src/media/assets.repository.js';
import { IMMUTABLE_CACHE_CONTROL } from '../../src/media/store-image.js';
import { newAssetPrefix, variantKey } from '../../src/storage/key-locator.js';
import type { GetOptions, GetResult, ObjectStore, PutOptions, PutResult } from '../../src/storage/object-store.js';
import { insertTenant } from '../../src/tenancy/tenants.repository.js';

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface SeededObject {
  key: string;
  tenantId: number;
  assetId: string;
  sha256: string;
  size: number;
  contentType: string;
}

export async function seedTenant(db: Db, name = 'Migration Shop'): Promise<number> {
  const tenant = await insertTenant(db, { name, slug: `${name.toLowerCase().replace(/\W+/g, '-')}-${randomBytes(3).toString('hex')}` });
  return tenant.id;
}

/**
 * `assets` ready assets for `tenantId`, each with an original JPEG and `variants` WebP
 * variants of random bytes (sizes from `size`), put into `store` as processing would.
 */
export async function seedAssets(
  db: Db,
  store: ObjectStore,
  options: { tenantId: number; assets: number; variants?: number; size?: (i: number) => number },
): Promise<SeededObject[]> {
  const size = options.size ?? ((i) => 20_000 + ((i * 7919) % 180_000));
  const out: SeededObject[] = [];
  let n = 0;
  for (let a = 0; a < options.assets; a++) {
    const id = uuidv7();
    const prefix = newAssetPrefix(options.tenantId, id);
    const variants: AssetVariant[] = [];
    const names = ['original', ...Array.from({ length: options.variants ?? 2 }, (_, v) => `w${160 * (v + 1)}`)];
    for (const name of names) {
      const ext = name === 'original' ? 'jpg' : 'webp';
      const contentType = name === 'original' ? 'image/jpeg' : 'image/webp';
      const key = variantKey(prefix, name, ext);
      const bytes = randomBytes(size(n++));
      await store.put(key, bytes, {
        contentType,
        cacheControl: IMMUTABLE_CACHE_CONTROL,
        metadata: name === 'original' ? { 'original-name': 'photo%20one.jpg' } : undefined,
      });
      variants.push({ name, key, width: 100, height: 100, bytes: bytes.length, contentType });
      out.push({ key, tenantId: options.tenantId, assetId: id, sha256: sha256(bytes), size: bytes.length, contentType });
    }
    await insertAsset(db, {
      id,
      tenantId: options.tenantId,
      keyPrefix: prefix,
      status: 'ready',
      contentType: 'image/jpeg',
      bytes: variants[0]!.bytes,
      sha256: out.at(-names.length)!.sha256,
      width: 100,
      height: 100,
      variants,
      originalName: 'photo one.jpg',
    });
  }
  return out;
}

/**
 * Delegates to `inner`, counting the puts that completed and the gets, per key; `tamper` may
 * spoil a put (after it), `answer` may change what the put answers (its ETag).
 */
export function countingStore(
  inner: ObjectStore,
  tamper?: (key: string, attempt: number, inner: ObjectStore) => Promise<void>,
  answer?: (key: string, result: PutResult) => PutResult,
): ObjectStore & { puts: Map<string, number>; gets: Map<string, number>; totalPuts(): number; totalGets(): number } {
  const puts = new Map<string, number>();
  const gets = new Map<string, number>();
  const attempts = new Map<string, number>();
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return Object.assign(Object.create(inner) as ObjectStore, {
    puts,
    gets,
    totalPuts: () => total(puts),
    totalGets: () => total(gets),
    async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const result = await inner.put(key, body, options);
      puts.set(key, (puts.get(key) ?? 0) + 1);
      // After the put: what the store now holds is spoiled behind the driver's back.
      await tamper?.(key, attempt, inner);
      return answer ? answer(key, result) : result;
    },
    async get(key: string, options?: GetOptions): Promise<GetResult> {
      gets.set(key, (gets.get(key) ?? 0) + 1);
      return inner.get(key, options);
    },
  });
}
