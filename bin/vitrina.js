#!/usr/bin/env node
// Runs the compiled build (dist/, made by `npm run build`, which `npm ci` runs) while it matches
// the sources, so commands start without compiling anything; otherwise the TypeScript sources
// through tsx: an edited checkout needs no build step between a change and `vitrina`.
import { buildIsCurrent } from './source-stamp.js';

// The AWS SDK is pinned (package-lock.json); its notice about future releases needing Node 22
// says nothing about the version we run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (process.env.VITRINA_FROM_SOURCES !== '1' && buildIsCurrent()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
