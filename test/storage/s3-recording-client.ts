/** A driver client that records every request it sends (command name and signed headers). */
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../src/config.js';
import { createS3Client } from '../../src/storage/s3/s3-client.js';

export interface SentRequest {
  command: string;
  headers: Record<string, string>;
}

export function recordingClient(s3: S3Config): { client: S3Client; sent: SentRequest[] } {
  const client = createS3Client(s3);
  const sent: SentRequest[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      // The deserialize step sees the request as it goes on the wire: signed, all headers set.
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      sent.push({ command: String(context.commandName), headers: { ...headers } });
      return next(args);
    },
    { step: 'deserialize', name: 'testRecorder' },
  );
  return { client, sent };
}
