/**
 * Reads a multipart form with at most one file, enforcing the upload limit as the bytes
 * arrive: busboy hands over at most `maxBytes` bytes of the file and drops the rest as it
 * streams in, so an oversized file is never held in memory — while the fields that come
 * after it are still read, so the form can be shown again with what was typed.
 *
 * Draining an oversized file costs bandwidth, not memory; a body larger than DRAIN_FACTOR ×
 * the limit is refused outright (413, connection closed) instead of being read to the end.
 * The multipart Content-Length is never trusted as the file's size.
 *
 * @example
 *   const form = await readMultipartForm(request, { maxBytes: config.maxUploadSize });
 *   if (form.tooLarge) …; form.fields.name; form.file?.bytes;
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { formatMegabytes } from '../../media/size-limit.js';

export interface UploadedFile {
  /** The form field the file came in. */
  field: string;
  bytes: Buffer;
  /** The client's file name (untrusted: sanitised before it is kept anywhere). */
  fileName: string | undefined;
}

export interface MultipartForm {
  /** Text fields; a repeated name keeps its first value. */
  fields: Record<string, string>;
  file: UploadedFile | undefined;
  /** The file was larger than `maxBytes`: its bytes were dropped and `file` is undefined. */
  tooLarge: boolean;
}

/** Bodies up to this many times the upload limit (at least 64 MiB) are drained to reach the fields after the file. */
const DRAIN_FACTOR = 16;
const MIN_DRAIN_BYTES = 64 * 1024 * 1024;

export function drainLimit(maxBytes: number): number {
  return Math.max(MIN_DRAIN_BYTES, maxBytes * DRAIN_FACTOR);
}

export async function readMultipartForm(request: FastifyRequest, options: { maxBytes: number }): Promise<MultipartForm> {
  if (!request.isMultipart()) throw new AppError('UnsupportedMediaType', 'Send the form as multipart/form-data.');
  const cap = drainLimit(options.maxBytes);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) throw tooLargeBody(options.maxBytes);
  let received = 0;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received > cap) request.raw.destroy(tooLargeBody(options.maxBytes));
  };
  request.raw.on('data', count);

  const form: MultipartForm = { fields: {}, file: undefined, tooLarge: false };
  try {
    // The plugin is registered with throwFileSizeLimit: false (http/app.ts): `truncated` says it.
    const parts = request.parts({
      limits: { fileSize: options.maxBytes, files: 1, fields: 30, fieldSize: 64 * 1024, parts: 40 },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!Object.hasOwn(form.fields, part.fieldname)) form.fields[part.fieldname] = String(part.value);
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) if (!part.file.truncated) chunks.push(chunk as Buffer);
      if (part.file.truncated) {
        form.tooLarge = true;
        continue;
      }
      const bytes = Buffer.concat(chunks);
      // A file input left empty is sent as a part with no name and no bytes.
      if (bytes.length === 0 && !part.filename) continue;
      form.file = { field: part.fieldname, bytes, fileName: part.filename || undefined };
    }
  } catch (err) {
    if (received > cap) throw tooLargeBody(options.maxBytes);
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (code === 'FST_FILES_LIMIT') throw new AppError('BadRequest', 'Send one file per form.', { cause: err });
    if (/LIMIT/.test(code)) throw new AppError('BadRequest', 'The form has too many or too long fields.', { cause: err });
    throw new AppError('BadRequest', 'The form could not be read (the upload was cut off or malformed). Please try again.', { cause: err });
  } finally {
    request.raw.off('data', count);
  }
  return form;
}

function tooLargeBody(maxBytes: number): AppError {
  return new AppError('TooLarge', `File too large. Maximum ${formatMegabytes(maxBytes)}`);
}
