/**
 * The ObjectStore contract against LocalObjectStore on a real folder, with the app's media
 * routes listening so signed URLs and presigned POSTs are exercised over HTTP.
 */
import { describeObjectStoreContract } from './contract.js';
import { startLocalHarness } from './local-harness.js';
import { localRawInspector } from './local-raw-inspector.js';

describeObjectStoreContract('LocalObjectStore', async ({ publicBaseUrl }) => {
  const harness = await startLocalHarness({ publicBaseUrl });
  return { store: harness.store, raw: localRawInspector(harness.root), cleanup: () => harness.cleanup() };
});
