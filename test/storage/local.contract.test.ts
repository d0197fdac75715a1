/**
 * The ObjectStore contract against LocalObjectStore on a real folder, with the app's media
 * routes listening so signed URLs and presigned POSTs are exercised over HTTP — once as the app
 * reads (streamed in 64 KiB chunks), once as a migration does (a read chunk of 256 KiB: smaller
 * objects and ranges are read whole at once).
 */
import { describeObjectStoreContract } from './contract.js';
import { startLocalHarness } from './local-harness.js';
import { localRawInspector } from './local-raw-inspector.js';

describeObjectStoreContract('LocalObjectStore', async ({ publicBaseUrl }) => {
  const harness = await startLocalHarness({ publicBaseUrl });
  return { store: harness.store, raw: localRawInspector(harness.root), cleanup: () => harness.cleanup() };
});

describeObjectStoreContract('LocalObjectStore, objects up to 256 KiB read whole', async ({ publicBaseUrl }) => {
  const harness = await startLocalHarness({ publicBaseUrl, readChunkSize: 256 * 1024 });
  return { store: harness.store, raw: localRawInspector(harness.root), cleanup: () => harness.cleanup() };
});
