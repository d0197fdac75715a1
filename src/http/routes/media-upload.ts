/**
 * POST /media-upload — a browser's direct upload, with a form made by `DeliveryUrls.uploadForm`,
 * into a store that cannot take uploads itself (the local folder): the app's answer to an S3
 * presigned POST. As with S3: multipart/form-data, every field before the file, the file as
 * field `file`; the policy fixes the key, the Content-Type and 1..maxBytes bytes; 204 when
 * stored. Answers 404 when the store takes presigned POSTs itself (S3).
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../errors.js';
import type { DeliveryUrls } from '../../storage/delivery-urls.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { isStorageError } from '../../storage/storage-error.js';

const FORM_LIMITS = {
  fields: 20,
  fieldSize: 16 * 1024,
  files: 1,
  parts: 21,
  // The policy's own limit is enforced by the store while streaming; busboy must not
  // silently truncate before that (its default would be Fastify's bodyLimit).
  fileSize: Number.MAX_SAFE_INTEGER,
};

/** What POST /media-upload uses. */
export interface MediaUploadDeps {
  /** The configured store: uploads go into it, unless it takes presigned POSTs itself. */
  readonly store: ObjectStore;
  /** Checks the upload forms it made. */
  readonly delivery: DeliveryUrls;
}

export default async function mediaUpload(app: FastifyInstance, deps: MediaUploadDeps): Promise<void> {
  const { store, delivery } = deps;
  if (store.capabilities.presignedPost) return; // S3 takes its own uploads: nothing here, so 404.
  // The app may already parse multipart for its own forms; registering twice would throw.
  if (!app.hasContentTypeParser('multipart/form-data')) await app.register(multipart);

  app.post('/media-upload', async (request, reply) => {
    try {
      return await receiveUpload(store, delivery, request, reply);
    } finally {
      // Answered before the whole body arrived (refused, too large, or stuff after the file):
      // Node would leave the rest unread on a keep-alive socket and the client's next request
      // on it would hang. Drop what still arrives and close the connection, as S3 does.
      if (!request.raw.complete) {
        reply.header('connection', 'close');
        request.raw.resume();
      }
    }
  });
}

async function receiveUpload(
  store: ObjectStore,
  delivery: DeliveryUrls,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (!request.isMultipart()) throw new AppError('BadRequest', 'Send the upload as multipart/form-data.');
  const fields: Record<string, string> = {};
  for await (const part of request.parts({ limits: FORM_LIMITS })) {
    if (part.type === 'field') {
      if (Object.hasOwn(fields, part.fieldname))
        throw new AppError('BadRequest', `The upload form has the field ${JSON.stringify(part.fieldname)} twice.`);
      fields[part.fieldname] = String(part.value);
      continue;
    }
    if (part.fieldname !== 'file') throw new AppError('BadRequest', 'The file must be sent as the form field "file".');
    const check = delivery.verifyUpload(fields);
    if (!check.ok) throw new AppError('Forbidden', check.message);
    const { key, contentType, maxBytes } = check.value;

    // pipeline (not pipe) so a broken request also fails the store's stream.
    const body = pipeline(part.file, new NonEmpty(), () => undefined);
    try {
      await store.put(key, body, { contentType, maxBytes });
    } catch (err) {
      if (isStorageError(err, 'TooLarge')) {
        // S3 answers EntityTooLarge with 400; so do we, with the limit in the message.
        throw new AppError('TooLarge', `The file is larger than the ${maxBytes} bytes this upload form allows; nothing was stored.`, {
          status: 400,
          cause: err,
        });
      }
      if (err instanceof AppError && err.cause instanceof AppError) throw err.cause;
      throw err;
    }
    // S3 ignores anything after the file; so do we.
    return reply.code(204).send();
  }
  throw new AppError('BadRequest', 'The upload form has no "file" field.');
}

/** Fails an empty file: the policy's range is 1..maxBytes bytes, as S3's content-length-range. */
class NonEmpty extends Transform {
  private seen = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length > 0) this.seen = true;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.seen ? null : new AppError('BadRequest', 'The uploaded file is empty; nothing was stored.'));
  }
}
