/**
 * Where the local driver keeps things, and the one place a key becomes a path:
 *
 *     root/objects/<key>        the bytes
 *     root/meta/<key>.json      content type, metadata, sha256, etag (see object-meta.ts)
 *     root/tmp/                 puts in progress; renamed into place when complete
 *
 * Every path is built from a key checked by `assertValidKey`, resolved, and re-checked to lie
 * inside its tree. Symbolic links are never followed below the root: a link planted inside
 * the store (pointing at /etc, another tenant, …) is refused, for reads and for writes.
 */
import { lstat, mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertValidKey } from '../keys.js';
import { StorageError } from '../storage-error.js';
import { errnoOf } from './fs-errors.js';

/** Temp files older than this are leftovers of a crash (a live put takes far less). */
const STALE_TEMP_MS = 60 * 60 * 1000;

export class LocalLayout {
  private constructor(
    /** The root with any symlink in the configured path resolved (following it is the operator's choice). */
    readonly root: string,
    readonly objectsDir: string,
    readonly metaDir: string,
    readonly tmpDir: string,
  ) {}

  /** Creates the three folders when missing and removes a crash's stale temp files. */
  static async open(configuredRoot: string): Promise<LocalLayout> {
    await mkdir(configuredRoot, { recursive: true });
    const root = await realpath(configuredRoot);
    const layout = new LocalLayout(root, path.join(root, 'objects'), path.join(root, 'meta'), path.join(root, 'tmp'));
    for (const dir of [layout.objectsDir, layout.metaDir, layout.tmpDir]) await mkdir(dir, { recursive: true });
    await layout.removeStaleTemps();
    return layout;
  }

  dataPath(key: string): string {
    return inside(this.objectsDir, key, '');
  }

  metaPath(key: string): string {
    return inside(this.metaDir, key, '.json');
  }

  /**
   * Refuses when any existing component from `treeRoot` down to `file` is a symbolic link.
   * Components that do not exist yet are fine (a put creates them as real folders).
   */
  async assertNoSymlink(file: string, key: string): Promise<void> {
    const treeRoot = file.startsWith(this.objectsDir + path.sep) ? this.objectsDir : this.metaDir;
    let current = treeRoot;
    for (const segment of path.relative(treeRoot, file).split(path.sep)) {
      current = path.join(current, segment);
      let isLink: boolean;
      try {
        isLink = (await lstat(current)).isSymbolicLink();
      } catch (err) {
        if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return;
        throw err;
      }
      if (isLink) {
        throw new StorageError('AccessDenied', `Object ${JSON.stringify(key)} goes through a symbolic link; the local store does not follow links.`, { key });
      }
    }
  }

  private async removeStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      try {
        if (now - (await stat(file)).mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
      } catch {
        // Another instance sharing the folder may have removed it first.
      }
    }
  }
}

/** `tree/<key><suffix>`, refusing anything that would resolve outside `tree`. */
function inside(tree: string, key: string, suffix: string): string {
  assertValidKey(key);
  const resolved = path.resolve(tree, ...key.split('/')) + suffix;
  // assertValidKey already refuses "..", absolute keys and NUL; this re-check is the backstop.
  if (!resolved.startsWith(tree + path.sep)) {
    throw new StorageError('InvalidKey', `Object key ${JSON.stringify(key)} resolves outside the local store.`, { key });
  }
  return resolved;
}
