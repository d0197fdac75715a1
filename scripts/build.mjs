#!/usr/bin/env node
// npm run build (npm ci runs it too, as `prepare`): compiles src/ into dist/ with tsc and stamps
// the build with what it was made from (bin/source-stamp.js). Where TypeScript is not installed
// (npm ci --omit=dev) it builds nothing: bin/vitrina.js then runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, STAMP_FILE, sourceStamp } from '../bin/source-stamp.js';

let tsc;
try {
  tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  console.log('vitrina build: TypeScript is not installed (npm ci --omit=dev?); nothing built, `vitrina` runs the sources through tsx');
  process.exit(0);
}
if (!existsSync(path.join(ROOT, 'src'))) {
  console.log('vitrina build: no src/ folder yet; nothing built');
  process.exit(0);
}
// Stamped with the sources as they were before compiling: a file saved meanwhile makes the build stale.
const stamp = sourceStamp();
rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (run.status !== 0) {
  console.error('vitrina build: tsc failed (see above); dist/ left out, `vitrina` runs the sources through tsx');
  rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  process.exit(run.status ?? 1);
}
writeFileSync(STAMP_FILE, `${JSON.stringify(stamp)}\n`);
console.log(`vitrina build: dist/ compiled from ${stamp.files} source files`);
