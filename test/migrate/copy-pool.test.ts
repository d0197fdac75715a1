/**
 * The copy pool's worker entry, both ways Vitrina runs: from the TypeScript sources (here,
 * under vitest: a plain-JS entry loads the worker through tsx) and compiled, as in dist/ (the
 * worker's `.js` beside the pool's): the compiled case runs the build in dist/ (made by
 * `npm run build`, which `npm test` and `npm ci` run first; a standalone run of this file builds it).
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIsCurrent } from '../../bin/source-stamp.js';
import { CopyPool, copyWorkerEntry } from '../../src/storage/migration/copy-pool.js';
import { openStore, type MigrationEnds } from '../../src/storage/migration/store-description.js';
import { localRawInspector } from '../storage/local-raw-inspector.js';
import { sha256 } from './migration-fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 't/1/img/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/w480.webp';
let dir: string;
let ends: MigrationEnds;
let destinationRoot: string;
const bytes = Buffer.from('not really a webp, but bytes all the same');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vitrina-copy-pool-'));
  destinationRoot = path.join(dir, 'b');
  ends = { source: { kind: 'local', root: path.join(dir, 'a') }, destination: { kind: 'local', root: destinationRoot } };
  const source = openStore(ends.source);
  await source.put(KEY, bytes, { contentType: 'image/webp', cacheControl: 'public, max-age=31536000, immutable' });
  await source.close();
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** Copies KEY through a pool started by `start` and checks what landed. */
async function copyThrough(start: typeof CopyPool.start): Promise<void> {
  const pool = await start(ends, { concurrency: 2, threads: 1 });
  try {
    const copied = await pool.copy(KEY, { md5: true });
    expect(copied).toMatchObject({ key: KEY, size: bytes.length, sha256: sha256(bytes), contentType: 'image/webp', checkedOnWrite: true });
    expect(copied.md5).toMatch(/^[0-9a-f]{32}$/);
    const [thread] = pool.threads();
    expect(thread?.copies).toBe(1);
    expect(thread?.threadId).not.toBe(threadId);
  } finally {
    await pool.close();
  }
  expect(sha256((await localRawInspector(destinationRoot).read(KEY))!)).toBe(sha256(bytes));
  expect(await localRawInspector(destinationRoot).contentType(KEY)).toBe('image/webp');
}

describe('copy pool worker entry', () => {
  it('is the compiled worker beside a compiled pool, and the tsx entry beside the sources', () => {
    expect(copyWorkerEntry('file:///srv/vitrina/dist/storage/migration/copy-pool.js').pathname).toBe(
      '/srv/vitrina/dist/storage/migration/copy-worker.js',
    );
    expect(copyWorkerEntry('file:///srv/vitrina/src/storage/migration/copy-pool.ts').pathname).toBe(
      '/srv/vitrina/src/storage/migration/copy-worker-from-sources.mjs',
    );
  });

  it('copies from the TypeScript sources (the worker loads them through tsx)', async () => {
    await copyThrough((e, o) => CopyPool.start(e, o));
  });

  it('copies from the compiled build in dist/ (the worker is the .js beside the pool)', async () => {
    // `npm test` (and `npm ci`) build dist/ before the tests run; a standalone run builds it here.
    if (!buildIsCurrent()) await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
    const built = path.join(ROOT, 'dist', 'storage', 'migration');
    await access(path.join(built, 'copy-worker.js'));
    const compiled = (await import(pathToFileURL(path.join(built, 'copy-pool.js')).href)) as {
      CopyPool: typeof CopyPool;
      copyWorkerEntry: typeof copyWorkerEntry;
    };
    expect(compiled.copyWorkerEntry().pathname).toBe(path.join(built, 'copy-worker.js'));
    await copyThrough((e, o) => compiled.CopyPool.start(e, o));
  }, 120_000);
});
