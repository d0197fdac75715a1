/**
 * Bucket bootstrap for whichever driver is configured (`vitrina storage init`, doctor, and the
 * server's start when STORAGE_AUTO_INIT allows): S3 creates the bucket when missing and applies
 * the read-only public policy on the image prefix only when S3_PUBLIC_URL is set (see
 * s3/bucket-bootstrap.ts); the local driver creates its folders.
 *
 * @example
 *   const outcome = await initStorage(config, store);
 *   for (const line of outcome.messages) console.log(line);
 *   if (outcome.manualPolicy) console.log(outcome.manualPolicy); // apply by hand
 */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ObjectStore } from './object-store.js';
import { ensureBucket } from './s3/bucket-bootstrap.js';
import { createS3Client } from './s3/s3-client.js';

export interface InitStorageOutcome {
  /** One line per thing done or to do, for people. */
  messages: string[];
  /** The exact bucket policy to apply by hand, when the provider refused it. */
  manualPolicy?: string | undefined;
  /** A short note on the public policy, for doctor's table. */
  policyNote?: string | undefined;
}

export async function initStorage(
  config: Config,
  store: ObjectStore,
  options: { signal?: AbortSignal | undefined; logger?: Logger | undefined } = {},
): Promise<InitStorageOutcome> {
  if (store.driver === 'local') {
    // A listing opens (and so creates) the store's folders.
    await store.list('', { limit: 1, signal: options.signal });
    return { messages: [`Local object store folder ${store.location} is ready.`] };
  }
  const client = createS3Client(config.s3, options.logger);
  try {
    const result = await ensureBucket(client, config.s3, options);
    const policyNote =
      result.policy === 'applied' || result.policy === 'unchanged'
        ? 'public read on t/*/img/* only'
        : result.policy === 'manual'
          ? 'the public policy must be applied by hand (vitrina storage init prints it)'
          : result.policy === 'left-public'
            ? 'an earlier public-read policy is still on the bucket'
            : undefined;
    return { messages: result.messages, manualPolicy: result.manualPolicy, policyNote };
  } finally {
    client.destroy();
  }
}
