#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a checkout and `vitrina`.
import { register } from 'tsx/esm/api';

// The AWS SDK is pinned (package-lock.json); its notice about future releases needing Node 22
// says nothing about the version we run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../src/cli/main.ts');
