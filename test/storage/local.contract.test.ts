/**
 * The storage contract through the facade over a LocalDriver on a real folder, checked through
 * node:fs (local-raw-inspector.ts). The app-served URLs of a local store are delivery-urls.test.ts's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalDriver } from '../../src/storage/local/local-driver.js';
import { Store } from '../../src/storage/store.js';
import { describeObjectStoreContract } from './contract.js';
import { localRawInspector } from './local-raw-inspector.js';

describeObjectStoreContract('local folder', async () => {
  const sandbox = await mkdtemp(path.join(tmpdir(), 'vitrina-local-'));
  const root = path.join(sandbox, 'store');
  return {
    store: new Store(new LocalDriver({ root })),
    raw: localRawInspector(root),
    cleanup: () => rm(sandbox, { recursive: true, force: true }),
  };
});
