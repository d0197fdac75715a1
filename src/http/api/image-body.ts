/**
 * An image upload to the API, in either of the two ways clients send files:
 *
 * - multipart/form-data with the file in the field `image` (or `file`), as a browser form;
 * - the raw bytes as the body, `Content-Type: image/*` or `application/octet-stream`
 *   (or none: `curl -T photo.jpg`), as `fetch(url, { body: blob })` or an S3-style PUT.
 *
 * Either way the size limit is enforced while the bytes arrive (413 at MAX_UPLOAD_SIZE + 1,
 * nothing buffered beyond it, nothing stored), and the type comes from the bytes, never from
 * a header or a file name (415 "File type not allowed: application/pdf"; 422 for an empty or
 * damaged image). As for the form, the checks after the sniff (the decode among them) run
 * while the upload is put, and a refusal from them deletes it again (catalog.service.ts).
 *
 * @example
 *   acceptRawImageBodies(app);                          // in the route's plugin scope
 *   const image = await readImageUpload(services, request, tenantId);   // ImageUpload for the catalog service
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { ImageUpload } from '../../catalog/catalog.service.js';
import { AppError, isAppError } from '../../errors.js';
import { startInspection } from '../../media/inspect-upload.js';
import { readWithLimit, tooLargeError } from '../../media/size-limit.js';
import { readMultipartForm } from '../forms/multipart-form.js';
import type { Services } from '../http-context.js';

export const IMAGE_FIELDS = ['image', 'file'] as const;

const HOW_TO_SEND =
  'Send the image as multipart/form-data in the field "image" (or "file"), or as the raw body with `Content-Type: image/*` or `application/octet-stream`.';

/**
 * Registers, in the caller's plugin scope only, a parser that hands raw bodies over untouched:
 * the handler reads them with the upload limit (Fastify's own parsers would buffer first).
 * The catch-all `*` also takes a body sent without a Content-Type, and lets the handler refuse
 * any other type with a message saying what to send instead.
 */
export function acceptRawImageBodies(app: FastifyInstance): void {
  const passThrough = (_request: FastifyRequest, payload: unknown, done: (err: null, body: unknown) => void) => done(null, payload);
  app.addContentTypeParser('application/octet-stream', passThrough);
  app.addContentTypeParser(/^image\/[\w.+-]+/i, passThrough);
  app.addContentTypeParser('*', passThrough);
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

async function fromMultipart(request: FastifyRequest, maxBytes: number): Promise<{ bytes: Buffer; fileName: string | undefined }> {
  const form = await readMultipartForm(request, { maxBytes });
  if (form.tooLarge) throw tooLargeError(maxBytes);
  if (form.file === undefined) throw new AppError('BadRequest', `The form has no file. ${HOW_TO_SEND}`);
  if (!(IMAGE_FIELDS as readonly string[]).includes(form.file.field)) {
    throw new AppError('BadRequest', `The file came in the field "${form.file.field}". ${HOW_TO_SEND}`);
  }
  return { bytes: form.file.bytes, fileName: form.file.fileName };
}

async function fromRawBody(request: FastifyRequest, maxBytes: number): Promise<{ bytes: Buffer; fileName: undefined }> {
  const type = mediaType(request);
  const body = request.body as Readable | undefined;
  // No Content-Type and no body at all: an empty file (422), like an empty body of any image type.
  if (type === '' && body === undefined) return { bytes: Buffer.alloc(0), fileName: undefined };
  if (!(type === '' || type === 'application/octet-stream' || type.startsWith('image/')) || typeof body?.iterator !== 'function') {
    throw new AppError('UnsupportedMediaType', `A body of type ${type === '' ? 'none' : type} cannot be an image. ${HOW_TO_SEND}`);
  }
  // A declared length is trusted only to refuse early, never as the size of what arrives.
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLargeError(maxBytes);
  // At the limit, stop reading but leave the request alone: destroying it destroys the socket,
  // racing the 413 out of it. The error handler then drops what still comes and closes the connection.
  try {
    return { bytes: await readWithLimit(body.iterator({ destroyOnReturn: false }), maxBytes), fileName: undefined };
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new AppError('BadRequest', 'The upload was cut off before it was complete. Please try again.', { cause: err });
  }
}

/**
 * The upload, sniffed; its other checks still running (`inspection.result`), for the catalog
 * service to await beside the put. A refusal, early or late, is counted and logged here,
 * whatever route took the upload.
 * @throws AppError TooLarge | UnsupportedMediaType | Unprocessable | BadRequest
 */
export async function readImageUpload(
  hc: Pick<Services, 'config' | 'metrics' | 'uploads'>,
  request: FastifyRequest,
  tenantId: number,
): Promise<ImageUpload> {
  const maxBytes = hc.config.maxUploadSize;
  let bytes = 0;
  const refused = (err: unknown) => {
    if (isAppError(err) && [413, 415, 422].includes(err.status)) {
      hc.metrics.count('uploads', { outcome: 'refused' });
      request.log.info({ event: 'refused', tenantId, reason: err.message, bytes }, 'upload refused');
    }
  };
  try {
    const file = request.isMultipart() ? await fromMultipart(request, maxBytes) : await fromRawBody(request, maxBytes);
    bytes = file.bytes.length;
    const { allowedTypes, maxPixels } = hc.config.media;
    const inspection = await startInspection(file.bytes, { allowedTypes, maxPixels, decodeSlots: hc.uploads.decodeSlots });
    inspection.result.catch(refused);
    return { ...file, inspection };
  } catch (err) {
    refused(err);
    throw err;
  }
}
