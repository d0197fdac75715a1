// What the compiled build in dist/ was made from: how many files src/ held and the newest
// modification time among them. scripts/build.mjs writes it beside the build; bin/vitrina.js
// runs dist/ only while src/ still matches it (an edited, added or removed source means tsx).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const STAMP_FILE = path.join(ROOT, 'dist', 'source-stamp.json');

/** @returns {{ files: number, newest: number }} */
export function sourceStamp() {
  let files = 0;
  let newest = 0;
  for (const entry of readdirSync(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    newest = Math.max(newest, statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return { files, newest };
}

/** True when dist/ holds a build of src/ as it is now (~5 ms for 200 files). */
export function buildIsCurrent() {
  let built;
  try {
    built = JSON.parse(readFileSync(STAMP_FILE, 'utf8'));
  } catch {
    return false;
  }
  const now = sourceStamp();
  return built.files === now.files && built.newest === now.newest;
}
