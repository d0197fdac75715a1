/**
 * RawInspector for the local driver: reads and writes the store's folders with node:fs
 * directly, never through the driver.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RawInspector } from './raw-inspector.js';

const isMissing = (err: unknown) => ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const name = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await filesUnder(path.join(dir, e.name), name)));
    else out.push(name);
  }
  return out;
}

export function localRawInspector(root: string): RawInspector {
  const data = (key: string) => path.join(root, 'objects', ...key.split('/'));
  const meta = (key: string) => `${path.join(root, 'meta', ...key.split('/'))}.json`;
  return {
    async read(key) {
      try {
        return await readFile(data(key));
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async contentType(key) {
      try {
        return (JSON.parse(await readFile(meta(key), 'utf8')) as { contentType?: string }).contentType;
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async listKeys(prefix) {
      const keys = (await filesUnder(path.join(root, 'objects'))).filter((k) => k.startsWith(prefix));
      return keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    },
    async write(key, bytes, contentType) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const record = { contentType, metadata: {}, size: bytes.length, sha256, etag: `"${sha256}"`, lastModified: new Date().toISOString() };
      await mkdir(path.dirname(meta(key)), { recursive: true });
      await writeFile(meta(key), JSON.stringify(record));
      await mkdir(path.dirname(data(key)), { recursive: true });
      await writeFile(data(key), bytes);
    },
    async leftovers() {
      // Temp files are not per prefix on disk: any file in tmp/ is something a put left behind.
      return (await filesUnder(path.join(root, 'tmp'))).length;
    },
  };
}
