/**
 * Which path an open file was reached by, as the kernel resolved it: on Linux
 * `/proc/self/fd/<fd>` links to it. The local driver's reads compare it with the path they
 * meant to open, which proves — after the fact, with no window between check and use — that no
 * folder on the way was a symbolic link. Where /proc is not there, `openedPathCheck` returns
 * undefined and the driver checks each folder before the open instead.
 *
 * @example
 *   const check = await openedPathCheck(objectsDir);     // once per store
 *   const handle = await open(file, O_RDONLY | O_NOFOLLOW);
 *   if (check && !(await check.reachedAt(handle.fd, file))) refuse();
 */
import { open, readlink, type FileHandle } from 'node:fs/promises';

/** What Linux appends to the link of a file unlinked while open (a delete or replace racing a read). */
const DELETED = ' (deleted)';

export interface OpenedPathCheck {
  /** True when the open file `fd` was opened as `file` itself (no link on the way). */
  reachedAt(fd: number, file: string): Promise<boolean>;
}

const procCheck: OpenedPathCheck = {
  async reachedAt(fd, file) {
    const target = await readlink(`/proc/self/fd/${fd}`);
    // Unlinked since it was opened: the handle still reads the version it pinned, reached at `file`.
    return target === file || target === file + DELETED;
  },
};

/** The check, when this system can answer it for files under `dir` (a real folder); else undefined. */
export async function openedPathCheck(dir: string): Promise<OpenedPathCheck | undefined> {
  if (process.platform !== 'linux') return undefined;
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    return (await readlink(`/proc/self/fd/${handle.fd}`)) === dir ? procCheck : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
