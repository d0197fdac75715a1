/**
 * GET|HEAD /media/{key}?expires=…&signature=…[&disposition=…] — serves an object of the
 * store the app serves itself (the local driver's folder, or the fallback spool beside S3)
 * through a signed, expiring URL — the app's answer to an S3 presigned GET; the links are made
 * and checked by storage/delivery-urls.ts. Answers 404 when S3 serves everything.
 *
 * Images are user content: the response is locked down (nosniff, a CSP with no scripts and a
 * sandbox) so a file that slipped through as HTML or SVG can never run in the app's origin.
 *
 * A signed answer is private and fresh only while its signature is valid
 * (`private, max-age=<seconds left>`), whatever Cache-Control the object was stored with: a
 * shared cache must not keep serving a private image after its link has expired.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { DeliveryUrls } from '../../storage/delivery-urls.js';
import type { HeadResult, ObjectStore } from '../../storage/object-store.js';
import { ifRangeAllows, isNotModified } from '../media/conditional-get.js';
import { parseRange } from '../media/range-header.js';

export const MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/** What GET /media/* uses. */
export interface MediaGetDeps {
  /**
   * The store whose objects the app serves (its `capabilities.presignedGet` is false): the local
   * folder, or the fallback spool beside S3. Undefined when S3 serves everything.
   */
  readonly appServed: ObjectStore | undefined;
  /** Checks the links it made. */
  readonly delivery: DeliveryUrls;
}

export default async function mediaGet(app: FastifyInstance, deps: MediaGetDeps): Promise<void> {
  const { appServed: store, delivery } = deps;
  if (store === undefined) return; // S3 serves its own objects: nothing here, so 404.

  app.route({
    method: ['GET', 'HEAD'],
    url: '/media/*',
    handler: async (request, reply) => {
      const key = (request.params as { '*': string })['*'];
      // The signature is checked before the object is looked up, so an unsigned request
      // cannot even learn whether a key exists.
      const check = delivery.verifyMediaGet(key, request.query);
      if (!check.ok) throw new AppError('Forbidden', check.message);
      const { disposition, maxAge } = check.value;

      const head = await store.head(key);
      setValidators(reply, head);
      // Cacheable by the browser alone, for the seconds the signature has left (rounded down).
      reply.header('cache-control', `private, max-age=${maxAge}`);
      if (isNotModified(request.headers, head)) return reply.code(304).send();

      const range = ifRangeAllows(request.headers, head) ? parseRange(request.headers.range, head.size) : { kind: 'none' as const };
      if (range.kind === 'unsatisfiable') {
        // An error must not be cached as if it were the immutable object.
        reply.removeHeader('cache-control').header('content-range', `bytes */${head.size}`);
        throw new AppError('BadRequest', `The requested range is past the end of this ${head.size}-byte object.`, { status: 416 });
      }
      setContentHeaders(reply, head, disposition);
      if (request.method === 'HEAD') return sendHead(request, reply, head, range.kind === 'range' ? range : undefined);

      const object = await store.get(key, range.kind === 'range' ? { range } : {});
      // Fastify destroys the stream (closing the file) if the client goes away mid-body.
      reply.header('content-length', object.contentLength);
      if (object.range !== undefined) {
        reply.code(206).header('content-range', `bytes ${object.range.start}-${object.range.end}/${object.totalSize}`);
      }
      return reply.send(object.body);
    },
  });
}

/** What a 304, a 416 and a 200/206 all carry. */
function setValidators(reply: FastifyReply, head: HeadResult): void {
  reply.header('accept-ranges', 'bytes');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-security-policy', MEDIA_CSP);
  if (head.etag !== undefined) reply.header('etag', head.etag);
  if (head.lastModified !== undefined) reply.header('last-modified', head.lastModified.toUTCString());
}

function setContentHeaders(reply: FastifyReply, head: HeadResult, signedDisposition: string | undefined): void {
  reply.header('content-type', head.contentType ?? 'application/octet-stream');
  // As with S3's response-content-disposition: the signed one wins over the stored one.
  const disposition = signedDisposition ?? head.contentDisposition;
  if (disposition !== undefined) reply.header('content-disposition', disposition);
}

function sendHead(
  _request: FastifyRequest,
  reply: FastifyReply,
  head: HeadResult,
  range: { start: number; end: number } | undefined,
): FastifyReply {
  if (range === undefined) {
    reply.header('content-length', head.size);
  } else {
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${head.size}`)
      .header('content-length', range.end - range.start + 1);
  }
  return reply.send();
}
