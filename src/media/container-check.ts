/**
 * A cheap structural check of an image file, done while the upload request is still open:
 * it walks the container (JPEG markers, PNG chunks, GIF blocks, RIFF/WebP chunks, ISO-BMFF
 * boxes for AVIF) without decoding a pixel, so a cut-off or mangled file is refused with a
 * clear message before anything is stored. Decoding the pixels (which also catches damaged
 * compressed data) happens when the image is processed.
 *
 * Runs in well under a millisecond for a 2 MiB file: the only scan is `indexOf(0xff)` over
 * JPEG entropy-coded data.
 *
 * @example
 *   containerProblem(bytes, 'jpeg');   // undefined, or e.g. 'the file ends before its end-of-image marker'
 */
import type { ImageFormat } from './media-types.js';

export function containerProblem(bytes: Uint8Array, format: ImageFormat): string | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format) {
    case 'jpeg':
      return jpegProblem(buf);
    case 'png':
      return pngProblem(buf);
    case 'gif':
      return gifProblem(buf);
    case 'webp':
      return webpProblem(buf);
    case 'avif':
      return bmffProblem(buf);
  }
}

const CUT = 'the file ends in the middle of the image data';

function jpegProblem(buf: Buffer): string | undefined {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return 'it does not start like a JPEG';
  let pos = 2;
  let frames = 0;
  let scans = 0;
  while (pos < buf.length) {
    if (buf[pos] !== 0xff) return `unexpected byte at offset ${pos} between JPEG segments`;
    while (pos < buf.length && buf[pos] === 0xff) pos++; // fill bytes
    if (pos >= buf.length) break;
    const marker = buf[pos++]!;
    if (marker === 0xd9) {
      // End of image; anything after it is ignored (and never stored: the image is re-encoded).
      if (frames === 0 || scans === 0) return 'the JPEG has no image data';
      return undefined;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // no length
    if (pos + 2 > buf.length) break;
    const length = buf.readUInt16BE(pos);
    if (length < 2) return `a JPEG segment at offset ${pos} has an impossible length`;
    if (pos + length > buf.length) break;
    if (isStartOfFrame(marker)) frames++;
    pos += length;
    if (marker === 0xda) {
      scans++;
      // Entropy-coded data runs until a marker that is not a stuffed 0xFF00 or a restart marker.
      for (;;) {
        const ff = buf.indexOf(0xff, pos);
        if (ff < 0 || ff + 1 >= buf.length) return CUT;
        const next = buf[ff + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
          pos = next === 0xff ? ff + 1 : ff + 2;
          continue;
        }
        pos = ff;
        break;
      }
    }
  }
  return CUT;
}

function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngProblem(buf: Buffer): string | undefined {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) return 'it does not start like a PNG';
  let pos = 8;
  let first = true;
  let data = 0;
  while (pos + 12 <= buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if (length > 0x7fffffff || !/^[a-z]{4}$/i.test(type)) return `a PNG chunk at offset ${pos} is malformed`;
    if (first && type !== 'IHDR') return 'the PNG does not start with its header chunk';
    first = false;
    if (pos + 12 + length > buf.length) return CUT;
    if (type === 'IDAT') data++;
    if (type === 'IEND') return data === 0 ? 'the PNG has no image data' : undefined;
    pos += 12 + length;
  }
  return CUT;
}

function gifProblem(buf: Buffer): string | undefined {
  if (buf.length < 13 || !/^GIF8[79]a$/.test(buf.toString('latin1', 0, 6))) return 'it does not start like a GIF';
  let pos = 13;
  const packed = buf[10]!;
  if (packed & 0x80) pos += 3 * 2 ** ((packed & 0x07) + 1);
  let images = 0;
  const skipSubBlocks = (): boolean => {
    for (;;) {
      if (pos >= buf.length) return false;
      const size = buf[pos++]!;
      if (size === 0) return true;
      pos += size;
    }
  };
  while (pos < buf.length) {
    const introducer = buf[pos++]!;
    if (introducer === 0x3b) return images === 0 ? 'the GIF has no image' : undefined;
    if (introducer === 0x21) {
      pos++; // label
      if (!skipSubBlocks()) return CUT;
    } else if (introducer === 0x2c) {
      if (pos + 9 > buf.length) return CUT;
      const local = buf[pos + 8]!;
      pos += 9;
      if (local & 0x80) pos += 3 * 2 ** ((local & 0x07) + 1);
      pos++; // LZW minimum code size
      if (!skipSubBlocks()) return CUT;
      images++;
    } else {
      return `unexpected byte at offset ${pos - 1} between GIF blocks`;
    }
  }
  // Browsers show a GIF whose trailer is missing after a complete image; so do we.
  return images === 0 ? CUT : undefined;
}

function webpProblem(buf: Buffer): string | undefined {
  if (buf.length < 20 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WEBP') {
    return 'it does not start like a WebP';
  }
  const end = 8 + buf.readUInt32LE(4);
  if (end > buf.length) return CUT;
  let pos = 12;
  let image = false;
  while (pos + 8 <= end) {
    const type = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (pos + 8 + size > end) return CUT;
    if (type === 'VP8 ' || type === 'VP8L' || type === 'ANMF') image = true;
    pos += 8 + size + (size & 1);
  }
  return image ? undefined : 'the WebP has no image data';
}

function bmffProblem(buf: Buffer): string | undefined {
  let pos = 0;
  const seen = new Set<string>();
  while (pos + 8 <= buf.length) {
    let size = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if (size === 1) {
      if (pos + 16 > buf.length) return CUT;
      size = Number(buf.readBigUInt64BE(pos + 8));
    } else if (size === 0) {
      size = buf.length - pos;
    }
    if (size < 8) return `a box at offset ${pos} has an impossible size`;
    if (pos + size > buf.length) return CUT;
    seen.add(type);
    pos += size;
  }
  if (pos !== buf.length) return CUT;
  if (!seen.has('ftyp') || !seen.has('meta') || !seen.has('mdat')) return 'the AVIF is missing a required box';
  return undefined;
}
