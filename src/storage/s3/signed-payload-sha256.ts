/**
 * Signs one command's request with a payload sha256 we already have, through the command's own
 * middleware stack (the SDK's public extension point): a `build` step sets
 * `x-amz-content-sha256`, and SigV4 signs a header that is already there as it stands instead of
 * hashing the body again (the SDK signer's `getPayloadHash`). The server then checks the
 * bytes it received against that hash and refuses the put when they differ
 * (`XAmzContentSHA256Mismatch`, `BadDigest` on some providers).
 *
 * @example
 *   const command = withSignedPayloadSha256(new PutObjectCommand({ Bucket, Key, Body: bytes }), sha256Hex(bytes));
 *   await client.send(command, { abortSignal: signal });
 */
import type { PutObjectCommand } from '@aws-sdk/client-s3';

const HEADER = 'x-amz-content-sha256';

/** Adds the middleware to `command` (only that command: the client's stack is left alone) and returns it. */
export function withSignedPayloadSha256(command: PutObjectCommand, sha256: string): PutObjectCommand {
  command.middlewareStack.add(
    (next) => async (args) => {
      // At `build` the request is an HttpRequest whose headers are a plain object.
      const request = args.request as { headers?: Record<string, string> } | undefined;
      if (request?.headers !== undefined) request.headers[HEADER] = sha256;
      return next(args);
    },
    { step: 'build', name: 'vitrinaSignedPayloadSha256' },
  );
  return command;
}
