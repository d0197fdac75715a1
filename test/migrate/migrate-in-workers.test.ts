/**
 * The storage migration with its copies in worker threads (storage/migration/copy-pool.ts), as
 * the CLI runs it: the stores passed as data (`ends`), each worker opening its own. On real
 * stores and databases — local disk → Ceph RGW on PostgreSQL, RGW → local disk on PGlite — and
 * every check of what landed goes through the raw SDK or the filesystem.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { migrateStorage, type StorageMigrationOptions } from '../../src/jobs/storage-migration/migrate-storage.js';
import { openStore, type StoreDescription } from '../../src/storage/migration/store-description.js';
import type { Store } from '../../src/storage/store.js';
import { createTestDatabase, type Backend, type TestDatabase } from '../support/database.js';
import { localRawInspector } from '../storage/local-raw-inspector.js';
import type { RawInspector } from '../storage/raw-inspector.js';
import { createS3RawInspector } from '../storage/s3-raw-inspector.js';
import { createBucket, destroyBucket, rawS3Client, testS3Config, uniqueBucketName } from '../storage/s3-test-env.js';
import { seedAssets, seedTenant, sha256, type SeededObject } from './migration-fixtures.js';

interface End {
  description: StoreDescription;
  store: Store;
  raw: RawInspector;
  name: string;
  /** Files left in the local driver's temp folder (puts in progress): none once a run has returned. */
  tempFiles?(): Promise<string[]>;
  cleanup(): Promise<void>;
}

async function localEnd(): Promise<End> {
  const root = await mkdtemp(path.join(tmpdir(), 'vitrina-migrate-workers-'));
  const description: StoreDescription = { kind: 'local', root };
  return {
    description,
    store: openStore(description),
    raw: localRawInspector(root),
    name: `local:${root}`,
    tempFiles: () => readdir(path.join(root, 'tmp')).catch(() => []),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3End(): Promise<End> {
  const bucket = uniqueBucketName('mig-workers');
  const s3 = testS3Config({ S3_BUCKET: bucket });
  const admin = rawS3Client(s3);
  await createBucket(admin, bucket);
  const description: StoreDescription = { kind: 's3', s3 };
  const store = openStore(description);
  return {
    description,
    store,
    raw: createS3RawInspector(admin, bucket),
    name: `s3:${s3.endpoint}/${bucket}`,
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

describe.each(SETUPS)('storage migration in worker threads, %s', (_label, backend, makeSource, makeDestination) => {
  let database: TestDatabase;
  let source: End;
  let destination: End;
  let objects: SeededObject[];
  let route = '';
  let n = 0;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    source = await makeSource();
    destination = await makeDestination();
    const tenantId = await seedTenant(database.db);
    // 60 objects: more than a run copies in its own thread.
    objects = await seedAssets(database.db, source.store, { tenantId, assets: 20, variants: 2 });
  }, 60_000);

  afterAll(async () => {
    await database?.cleanup();
    await source?.cleanup();
    await destination?.cleanup();
  });

  function migrate(options: StorageMigrationOptions & { sameRoute?: boolean } = {}) {
    if (!options.sameRoute) route = `${source.name} → ${destination.name} #${++n}`;
    return migrateStorage(
      {
        db: database.db,
        source: source.store,
        destination: destination.store,
        route,
        ends: { source: source.description, destination: destination.description },
      },
      { concurrency: 8, ...options },
    );
  }

  async function recorded(): Promise<{ key: string; sha256: string }[]> {
    return database.db.selectFrom('storage_migration_objects').select(['key', 'sha256']).where('route', '=', route).execute();
  }

  async function expectAllAtDestination(): Promise<void> {
    for (const o of objects) {
      const bytes = await destination.raw.read(o.key);
      expect(bytes && sha256(bytes), o.key).toBe(o.sha256);
    }
  }

  it('copies in worker threads, one per core, each taking several objects at once; the report names them', async () => {
    const report = await migrate();
    expect(report.failed).toEqual([]);
    expect(report.migrated.objects).toBe(objects.length);
    // Every core's thread copied its share; none of the copies ran in this thread.
    expect(report.workerThreads).toHaveLength(Math.min(availableParallelism(), 8));
    for (const t of report.workerThreads) expect(t.threadId).not.toBe(threadId);
    expect(report.workerThreads.reduce((sum, t) => sum + t.copies, 0)).toBe(objects.length);
    await expectAllAtDestination();
    expect(new Map((await recorded()).map((r) => [r.key, r.sha256]))).toEqual(new Map(objects.map((o) => [o.key, o.sha256])));

    // A run of a few objects, or `workers: 0`, copies in this thread.
    const here = await migrate({ workers: 0, check: 'read-back' });
    expect([here.failed, here.migrated.objects, here.workerThreads]).toEqual([[], objects.length, []]);
  });

  it('an abort mid-run aborts the copies in flight in the workers; the record is exact, and a rerun completes', async () => {
    const controller = new AbortController();
    const first = await migrate({
      workers: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.copied.objects >= 10) controller.abort(new Error('Ctrl-C'));
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.failed).toEqual([]);
    const done = await recorded();
    expect(done.length).toBeGreaterThanOrEqual(10);
    expect(done.length).toBeLessThan(objects.length);
    expect(done.length).toBe(first.migrated.objects);
    // Exact: every object recorded is at the destination with the bytes recorded for it.
    for (const r of done) expect(sha256((await destination.raw.read(r.key))!), r.key).toBe(r.sha256);
    // An aborted put leaves nothing half-written behind.
    if (destination.tempFiles) expect(await destination.tempFiles()).toEqual([]);

    const second = await migrate({ sameRoute: true, workers: 2 });
    expect(second.failed).toEqual([]);
    expect([second.skipped.objects, second.migrated.objects]).toEqual([done.length, objects.length - done.length]);
    await expectAllAtDestination();
    expect(await recorded()).toHaveLength(objects.length);
  });
});

describe('storage migration in worker threads, to a store that never answers', () => {
  let database: TestDatabase;
  let source: End;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let connected: () => void;
  const putsInFlight = new Promise<void>((resolve) => (connected = resolve));

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    source = await localEnd();
    const tenantId = await seedTenant(database.db);
    await seedAssets(database.db, source.store, { tenantId, assets: 4, variants: 2 });
    // An "S3" that takes connections and never answers: a put to it waits for as long as nothing aborts it.
    silent = net.createServer((socket) => {
      sockets.add(socket);
      if (sockets.size >= 2) connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await database?.cleanup();
    await source?.cleanup();
  });

  it('an abort reaches the puts waiting in the workers: the run returns at once, nothing recorded', async () => {
    const port = (silent.address() as net.AddressInfo).port;
    const s3 = loadConfig({
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: 'never',
      S3_ACCESS_KEY: 'x',
      S3_SECRET_KEY: 'y',
      // Far longer than the test: only the abort can end these puts.
      S3_REQUEST_TIMEOUT_MS: '600000',
      S3_MAX_ATTEMPTS: '1',
    }).s3;
    const destination: StoreDescription = { kind: 's3', s3 };
    const store = openStore(destination);
    const controller = new AbortController();
    void putsInFlight.then(() => controller.abort(new Error('Ctrl-C')));
    try {
      // read-back: no probe of the store first, the puts are the first requests it gets.
      const report = await migrateStorage(
        { db: database.db, source: source.store, destination: store, route: 'stalled', ends: { source: source.description, destination } },
        { concurrency: 4, workers: 2, check: 'read-back', signal: controller.signal },
      );
      expect([report.interrupted, report.failed, report.migrated.objects]).toEqual([true, [], 0]);
      expect(await database.db.selectFrom('storage_migration_objects').selectAll().execute()).toEqual([]);
    } finally {
      await store.close();
    }
  }, 30_000);
});
