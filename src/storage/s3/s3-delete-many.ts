/**
 * One DeleteObjects request (at most 1000 keys). Per-key errors are reported, not thrown; a
 * request that fails as a whole (bad credentials, unreachable store) fails every key in it,
 * except an abort, which is thrown.
 */
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeleteManyResult } from '../object-store.js';
import { mapS3Error, type S3ErrorContext } from './map-s3-error.js';

export async function deleteBatch(client: S3Client, keys: string[], errors: S3ErrorContext): Promise<DeleteManyResult> {
  if (keys.length === 0) return { deleted: [], failed: [] };
  let out;
  try {
    out = await client.send(
      // Quiet: the answer lists only failures, so a 1000-key batch does not echo 1000 keys back.
      new DeleteObjectsCommand({ Bucket: errors.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      { abortSignal: errors.signal },
    );
  } catch (err) {
    const error = mapS3Error(err, errors);
    if (error.code === 'Aborted') throw error;
    return { deleted: [], failed: keys.map((key) => ({ key, error })) };
  }
  const failedKeys = new Set<string>();
  const failed: DeleteManyResult['failed'] = [];
  for (const e of out.Errors ?? []) {
    const key = e.Key ?? '';
    // A missing key is not a failure: deleting is idempotent.
    if (e.Code === 'NoSuchKey') continue;
    failedKeys.add(key);
    const cause = Object.assign(new Error(e.Message ?? e.Code ?? 'delete failed'), { name: e.Code ?? 'Error' });
    failed.push({ key, error: mapS3Error(cause, { ...errors, key }) });
  }
  return { deleted: keys.filter((k) => !failedKeys.has(k)), failed };
}
