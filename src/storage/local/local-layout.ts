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
import { openedPathCheck, type OpenedPathCheck } from './opened-path.js';

/** Temp files older than this are leftovers of a crash (a live put takes far less). */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** How long a folder a read found to be real (not a link) is taken as such; see assertNoLinkedFolder. */
const FOLDER_PROOF_MS = 60 * 1000;
/** At most this many proven folders are remembered (then the memory starts over). */
const MAX_PROVEN_FOLDERS = 4096;

export class LocalLayout {
  /** Folders a read proved to be real folders, and when (only while `opened` can check reads after the fact). */
  private readonly provenFolders = new Map<string, number>();

  private constructor(
    /** The root with any symlink in the configured path resolved (following it is the operator's choice). */
    readonly root: string,
    readonly objectsDir: string,
    readonly metaDir: string,
    readonly tmpDir: string,
    /** Tells which path an open file was reached by, where the OS says so (Linux /proc); undefined elsewhere. */
    private readonly opened: OpenedPathCheck | undefined,
  ) {}

  /** Creates the three folders when missing and removes a crash's stale temp files. */
  static async open(configuredRoot: string): Promise<LocalLayout> {
    await mkdir(configuredRoot, { recursive: true });
    const root = await realpath(configuredRoot);
    const objectsDir = path.join(root, 'objects');
    const metaDir = path.join(root, 'meta');
    const tmpDir = path.join(root, 'tmp');
    for (const dir of [objectsDir, metaDir, tmpDir]) await mkdir(dir, { recursive: true });
    const layout = new LocalLayout(root, objectsDir, metaDir, tmpDir, await openedPathCheck(objectsDir));
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
    await this.refuseLinks(file, key, false);
  }

  /**
   * For reads that open `file` with O_NOFOLLOW and then call {@link assertOpenedAt}: refuses when
   * a folder between the tree root and `file` is a symbolic link. Each folder is lstat-ed at most
   * once per FOLDER_PROOF_MS; that memory is safe because `assertOpenedAt` then checks the path
   * the kernel actually resolved for the open file, which also catches a folder swapped for a link
   * after it was proven (or between any check and the open). Without that after-the-fact check
   * (no /proc), every folder is checked on every read, as `assertNoSymlink` does.
   */
  async assertNoLinkedFolder(file: string, key: string): Promise<void> {
    await this.refuseLinks(file, key, this.opened !== undefined);
  }

  /**
   * Walks from the tree root down to `file`, lstat-ing each component, and refuses a symbolic
   * link. Stops at the first one that does not exist or is not a folder (nothing below it can be
   * a link). With `foldersOnly` the file itself is left to the caller's O_NOFOLLOW open, and a
   * folder proven real within FOLDER_PROOF_MS is not lstat-ed again.
   */
  private async refuseLinks(file: string, key: string, foldersOnly: boolean): Promise<void> {
    const treeRoot = file.startsWith(this.objectsDir + path.sep) ? this.objectsDir : this.metaDir;
    const segments = path.relative(treeRoot, file).split(path.sep);
    if (foldersOnly) segments.pop();
    const now = Date.now();
    let current = treeRoot;
    for (const segment of segments) {
      current = path.join(current, segment);
      const proven = foldersOnly ? this.provenFolders.get(current) : undefined;
      if (proven !== undefined && now - proven < FOLDER_PROOF_MS) continue;
      let stats;
      try {
        stats = await lstat(current);
      } catch (err) {
        // A component that does not exist holds no link (a put creates it; a read reports the missing object).
        if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return;
        throw err;
      }
      if (stats.isSymbolicLink()) throw linkRefused(key);
      if (!stats.isDirectory()) return;
      if (!foldersOnly) continue;
      if (this.provenFolders.size >= MAX_PROVEN_FOLDERS) this.provenFolders.clear();
      this.provenFolders.set(current, now);
    }
  }

  /**
   * Refuses an open file that was not reached at `file` itself: some folder on the way was (or
   * became) a symbolic link. A no-op where the OS cannot tell (then assertNoLinkedFolder checked
   * every folder just before the open).
   * @throws StorageError AccessDenied
   */
  async assertOpenedAt(fd: number, file: string, key: string): Promise<void> {
    if (this.opened !== undefined && !(await this.opened.reachedAt(fd, file))) throw linkRefused(key);
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

/** The refusal of a path with a symbolic link on it (the store never follows links). */
export function linkRefused(key: string): StorageError {
  return new StorageError(
    'AccessDenied',
    `Object ${JSON.stringify(key)} goes through a symbolic link; the local store does not follow links.`,
    { key },
  );
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
