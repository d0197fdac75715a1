/**
 * The storage migration in-process, on real stores and databases: local disk → Ceph RGW on
 * PostgreSQL, and RGW → local disk on PGlite. The destination is wrapped to count the PUTs it
 * receives (and, where a test says so, to spoil what it stored); every check of what landed
 * goes through the raw SDK or the filesystem, never through the drivers under test.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStorage, type StorageMigrationOptions } from '../../src/jobs/storage-migration/migrate-storage.js';
import { silentLogger } from '../../src/logger.js';
import { LocalDriver } from '../../src/storage/local/local-driver.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import { S3Driver } from '../../src/storage/s3/s3-driver.js';
import { Store } from '../../src/storage/store.js';
import { createTestDatabase, type Backend, type TestDatabase } from '../support/database.js';
import { localRawInspector } from '../storage/local-raw-inspector.js';
import type { RawInspector } from '../storage/raw-inspector.js';
import { createS3RawInspector } from '../storage/s3-raw-inspector.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { countingStore, seedAssets, seedTenant, sha256, type SeededObject } from './migration-fixtures.js';
import { HeadObjectCommand } from '@aws-sdk/client-s3';

interface End {
  store: ObjectStore;
  raw: RawInspector;
  name: string;
  /** Cache-Control as stored, read without the driver. */
  cacheControl(key: string): Promise<string | undefined>;
  /** Local only: changes a byte of the object's data file and leaves the sha256 its metadata records. */
  damage?(key: string): Promise<Buffer>;
  cleanup(): Promise<void>;
}

async function localEnd(): Promise<End> {
  const root = await mkdtemp(path.join(tmpdir(), 'vitrina-migrate-'));
  const raw = localRawInspector(root);
  return {
    store: new Store(new LocalDriver({ root })),
    raw,
    name: `local:${root}`,
    async cacheControl(key) {
      return (JSON.parse(await readFile(`${path.join(root, 'meta', ...key.split('/'))}.json`, 'utf8')) as { cacheControl?: string })
        .cacheControl;
    },
    async damage(key) {
      const file = path.join(root, 'objects', ...key.split('/'));
      const bytes = await readFile(file);
      const damaged = Buffer.from(bytes);
      damaged[damaged.length >> 1]! ^= 0xff;
      await writeFile(file, damaged);
      return bytes;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3End(): Promise<End> {
  const bucket = uniqueBucketName('migrate');
  const s3 = testS3Config({ S3_BUCKET: bucket });
  const admin = rawS3Client(s3);
  await createBucket(admin, bucket);
  const store = new Store(new S3Driver({ s3, logger: silentLogger }));
  return {
    store,
    raw: createS3RawInspector(admin, bucket),
    name: `s3:${s3.endpoint}/${bucket}`,
    cacheControl: async (key) => (await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).CacheControl,
    async cleanup() {
      await store.close();
      await destroyBucket(admin, bucket).catch(() => undefined);
      admin.destroy();
    },
  };
}

const SETUPS: [string, Backend, () => Promise<End>, () => Promise<End>][] = [
  ['local → RGW on PostgreSQL', 'postgres', localEnd, s3End],
  ['RGW → local on PGlite', 'pglite', s3End, localEnd],
];

describe.each(SETUPS)('storage migration, %s', (_label, backend, makeSource, makeDestination) => {
  let database: TestDatabase;
  let source: End;
  let destination: End;
  let tenantId: number;
  let objects: SeededObject[];
  let route = '';
  let n = 0;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    source = await makeSource();
    destination = await makeDestination();
    tenantId = await seedTenant(database.db);
    objects = await seedAssets(database.db, source.store, { tenantId, assets: 20, variants: 2 });
  }, 60_000);

  afterAll(async () => {
    await database?.cleanup();
    await source?.cleanup();
    await destination?.cleanup();
  });

  /** A migration to a fresh route each time unless `sameRoute`, through a counting destination. */
  async function migrate(options: StorageMigrationOptions & { sameRoute?: boolean; into?: ObjectStore } = {}) {
    if (!options.sameRoute) route = `${source.name} → ${destination.name} #${++n}`;
    const counted = countingStore(options.into ?? destination.store);
    const report = await migrateStorage(
      { db: database.db, source: source.store, destination: counted, route },
      { concurrency: 4, ...options },
    );
    return { report, counted };
  }

  async function expectAllAtDestination(): Promise<void> {
    for (const o of objects) {
      const bytes = await destination.raw.read(o.key);
      expect(bytes && sha256(bytes), o.key).toBe(o.sha256);
    }
  }

  it('copies every object of every asset, keys, content type and cache control kept; a rerun copies nothing', async () => {
    const dry = await migrate({ dryRun: true });
    expect(dry.report.migrated).toEqual({ objects: objects.length, bytes: objects.reduce((s, o) => s + o.size, 0) });
    expect(dry.counted.totalPuts()).toBe(0);
    expect(await destination.raw.listKeys('t/')).toEqual([]);

    const { report, counted } = await migrate({ sameRoute: true });
    expect(report.failed).toEqual([]);
    expect(report.migrated.objects).toBe(objects.length);
    expect(counted.totalPuts()).toBe(objects.length);
    await expectAllAtDestination();
    for (const o of objects.slice(0, 3)) {
      expect(await destination.raw.contentType(o.key)).toBe(o.contentType);
      expect(await destination.cacheControl(o.key)).toBe('public, max-age=31536000, immutable');
    }
    const progress = await database.db.selectFrom('storage_migration_objects').selectAll().where('route', '=', route).execute();
    expect(progress).toHaveLength(objects.length);
    expect(progress.every((p) => p.copies === 1)).toBe(true);

    const again = await migrate({ sameRoute: true });
    expect([again.report.migrated.objects, again.report.skipped.objects, again.counted.totalPuts()]).toEqual([0, objects.length, 0]);
  });

  it('an interrupted migration resumes without copying again what was verified', async () => {
    const controller = new AbortController();
    const first = await migrate({
      concurrency: 3,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.copied.objects >= 10) controller.abort(new Error('Ctrl-C'));
      },
    });
    expect(first.report.interrupted).toBe(true);
    const verified = await database.db.selectFrom('storage_migration_objects').select('key').where('route', '=', route).execute();
    expect(verified.length).toBeGreaterThanOrEqual(10);
    expect(verified.length).toBeLessThan(objects.length);

    const second = await migrate({ sameRoute: true });
    expect(second.report.failed).toEqual([]);
    expect(second.report.skipped.objects).toBe(verified.length);
    // Only the rest is copied: nothing verified by the first run is put again.
    expect(second.counted.totalPuts()).toBe(objects.length - verified.length);
    for (const { key } of verified) expect(second.counted.puts.has(key), key).toBe(false);
    await expectAllAtDestination();
  });

  it('detects a bad copy by reading it back, and copies it again', async () => {
    const [victim, truncated] = [objects[4]!, objects[9]!];
    // The destination keeps a spoiled object after the first put of two keys (bit rot, a
    // faulty gateway): the read-back must catch it.
    const spoiling = countingStore(destination.store, async (key, attempt) => {
      if (attempt !== 1) return;
      if (key === victim.key) await destination.raw.write(key, Buffer.alloc(victim.size, 0x41), victim.contentType);
      if (key === truncated.key) await destination.raw.write(key, (await source.raw.read(key))!.subarray(0, 1000), truncated.contentType);
    });
    const { report } = await migrate({ into: spoiling, check: 'read-back' });
    expect(report.failed).toEqual([]);
    expect(report.recopied).toBe(2);
    expect(spoiling.puts.get(victim.key)).toBe(2);
    expect(spoiling.puts.get(truncated.key)).toBe(2);
    await expectAllAtDestination();
    const rows = await database.db
      .selectFrom('storage_migration_objects')
      .select(['key', 'copies'])
      .where('route', '=', route)
      .where('key', 'in', [victim.key, truncated.key])
      .execute();
    expect(rows.map((r) => r.copies)).toEqual([1, 1]);
  });

  it('replaces a wrong object already at the destination; --verify finds copies spoiled after the migration', async () => {
    const [before, corrupted, cut, removed] = [objects[1]!, objects[2]!, objects[3]!, objects[5]!];
    await destination.raw.write(before.key, Buffer.from('not the image'), 'text/plain');
    const first = await migrate();
    expect(first.report.failed).toEqual([]);
    await expectAllAtDestination();

    // Spoiled behind the migration's back, after it recorded them as done.
    await destination.raw.write(corrupted.key, Buffer.alloc(corrupted.size, 0x42), corrupted.contentType);
    await destination.raw.write(cut.key, (await destination.raw.read(cut.key))!.subarray(0, cut.size - 1), cut.contentType);
    await destination.store.delete(removed.key);

    const trusted = await migrate({ sameRoute: true });
    expect(trusted.counted.totalPuts()).toBe(0);
    const verified = await migrate({ sameRoute: true, verify: true });
    expect(verified.report.failed).toEqual([]);
    expect(verified.report.recopied).toBe(3);
    expect([...verified.counted.puts.keys()].sort()).toEqual([corrupted.key, cut.key, removed.key].sort());
    await expectAllAtDestination();
    const copies = await database.db
      .selectFrom('storage_migration_objects')
      .select(['key', 'copies'])
      .where('route', '=', route)
      .where('copies', '>', 1)
      .execute();
    expect(copies.map((c) => c.key).sort()).toEqual([corrupted.key, cut.key, removed.key].sort());
  });

  it('reports a source object that is missing, copies the rest, and deletes sources only after a verified copy', async () => {
    const missing = objects[7]!;
    const saved = (await source.raw.read(missing.key))!;
    await source.store.delete(missing.key);
    // Not at the destination either (earlier tests put it there): nothing can stand in for it.
    await destination.store.delete(missing.key);
    try {
      const { report } = await migrate({ deleteSource: true });
      // The source is about to go: every copy is read back unless asked otherwise.
      expect([report.check, report.readBack]).toEqual(['read-back', objects.length - 1]);
      expect(report.failed).toEqual([
        { key: missing.key, tenantId, assetId: missing.assetId, reason: expect.stringMatching(/^missing from the source \(/) },
      ]);
      expect(report.migrated.objects).toBe(objects.length - 1);
      expect(report.sourceDeleted).toBe(objects.length - 1);
      expect(await source.raw.listKeys('t/')).toEqual([]);
      for (const o of objects) if (o !== missing) expect(sha256((await destination.raw.read(o.key))!)).toBe(o.sha256);
    } finally {
      // Put everything back for the next setup's tests (each setup has its own stores, but be tidy).
      await source.raw.write(missing.key, saved, missing.contentType);
      for (const o of objects) if (o !== missing) await source.raw.write(o.key, (await destination.raw.read(o.key))!, o.contentType);
    }
  });

  // A local source records each object's sha256; an S3 source has none to check against.
  if (makeSource === localEnd)
    it('refuses to copy a local object whose bytes no longer match the sha256 it recorded, and copies the rest', async () => {
      const victim = objects[5]!;
      const intact = await source.damage!(victim.key);
      await destination.store.delete(victim.key);
      try {
        for (const check of ['read-back', 'on-write'] as const) {
          const { report } = await migrate({ check });
          // The sha256 goes with the bytes as the source recorded it; the destination (RGW) refuses what does not match.
          expect(report.failed).toEqual([
            {
              key: victim.key,
              tenantId,
              assetId: victim.assetId,
              reason: expect.stringMatching(/do not match the sha256 .*the source object is damaged/),
            },
          ]);
          expect(report.migrated.objects).toBe(objects.length - 1);
          expect(await destination.raw.read(victim.key)).toBeUndefined();
        }
      } finally {
        await source.raw.write(victim.key, intact, victim.contentType);
      }
    });

  it("by default (check on-write) takes the destination's own check of each sha256 as the proof, and reads nothing back", async () => {
    const { report, counted } = await migrate();
    expect(report.failed).toEqual([]);
    // RGW verifies the signed payload hash; the local driver hashes what it writes.
    expect([report.check, report.proof]).toEqual(['on-write', 'sha256']);
    expect(report.migrated.objects).toBe(objects.length);
    await expectAllAtDestination();
    expect([report.readBack, counted.totalGets()]).toEqual([0, 0]);
    const rows = await database.db
      .selectFrom('storage_migration_objects')
      .select(['key', 'sha256', 'size'])
      .where('route', '=', route)
      .execute();
    expect(new Map(rows.map((r) => [r.key, r.sha256]))).toEqual(new Map(objects.map((o) => [o.key, o.sha256])));
  });

  it('on a store that does not check sha256 on write, an MD5 ETag proves a copy; any other answer means a read-back, which catches a bad copy', async () => {
    const victim = objects[6]!;
    const lax = countingStore(
      destination.store,
      async (key, attempt) => {
        if (key === victim.key && attempt === 1) await destination.raw.write(key, Buffer.alloc(victim.size, 0x43), victim.contentType);
      },
      (key, result) => (key === victim.key ? { ...result, etag: '"0123456789abcdef0123456789abcdef"' } : result),
    );
    const { report, counted } = await migrate({ into: Object.assign(lax, { checksSha256OnWrite: async () => false }) });
    expect(report.proof).toBe('etag');
    expect(report.failed).toEqual([]);
    expect(report.recopied).toBe(1);
    expect(lax.puts.get(victim.key)).toBe(2);
    expect(lax.gets.get(victim.key)).toBe(2);
    // S3 answers a single-request put with the body's MD5 as its ETag; the local driver's ETag is not one.
    expect(counted.totalGets()).toBe(destination.store.driver === 's3' ? 2 : objects.length + 1);
    await expectAllAtDestination();
  });

  it('with check on-write, a copy spoiled after the store took it goes unseen until --verify reads it back', async () => {
    // What the on-write proof (like rclone's default check) vouches for: the bytes as the store received them.
    const victim = objects[8]!;
    const spoiling = countingStore(destination.store, async (key, attempt) => {
      if (key === victim.key && attempt === 1) await destination.raw.write(key, Buffer.alloc(victim.size, 0x44), victim.contentType);
    });
    const first = await migrate({ check: 'on-write', into: spoiling });
    expect(first.report.failed).toEqual([]);
    expect(first.report.recopied).toBe(0);
    const verified = await migrate({ sameRoute: true, verify: true });
    expect(verified.report.recopied).toBe(1);
    await expectAllAtDestination();
  });

  it('with --delete-source, a rerun deletes the sources of objects an earlier run verified', async () => {
    const first = await migrate();
    expect(first.report.failed).toEqual([]);
    const second = await migrate({ sameRoute: true, deleteSource: true });
    expect([second.report.migrated.objects, second.report.sourceDeleted, second.counted.totalPuts()]).toEqual([0, objects.length, 0]);
    expect(await source.raw.listKeys('t/')).toEqual([]);
    await expectAllAtDestination();
    for (const o of objects) await source.raw.write(o.key, (await destination.raw.read(o.key))!, o.contentType);
  });
});
