// The copy worker's entry when Vitrina runs from its TypeScript sources (bin/vitrina.js without a
// current build, tsx, vitest): a worker thread does not inherit its parent's tsx loader, so this
// plain-JS module loads copy-worker.ts through tsx's own API. The compiled build (dist/) starts
// copy-worker.js directly (copy-pool.ts picks the entry).
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./copy-worker.ts', import.meta.url);

export default worker.default;
export const closeStores = worker.closeStores;
