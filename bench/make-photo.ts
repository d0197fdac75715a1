/**
 * The benchmarks' test photo: a 2400×1600 JPEG of about 1 MiB with EXIF orientation 6 and GPS,
 * as a phone would upload it — smooth colour blobs plus luminance texture at several scales,
 * so it compresses like a photo, not like noise or a flat fill.
 *
 * @example
 *   const photo = await makePhoto();   // Buffer, ≈ 1 MiB
 */
import sharp from 'sharp';

export const PHOTO_WIDTH = 2400;
export const PHOTO_HEIGHT = 1600;

export async function makePhoto(): Promise<Buffer> {
  const W = PHOTO_WIDTH;
  const H = PHOTO_HEIGHT;
  const layer = (scale: number, sigma: number): Promise<Buffer> =>
    sharp({
      create: {
        width: Math.ceil(W / scale),
        height: Math.ceil(H / scale),
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma },
      },
    })
      .resize(W, H, { kernel: 'cubic', fit: 'fill' })
      .raw()
      .toBuffer();
  const [colour, ...texture] = await Promise.all([layer(64, 60), layer(12, 30), layer(3, 14), layer(1, 5)]);
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) {
        let v = 60 + (c === 0 ? x / W : c === 1 ? y / H : (x + y) / (W + H)) * 120 + colour![i + c]! - 128;
        for (const t of texture) v += t[i]! - 128;
        px[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  // Pick the JPEG quality that lands near 1 MiB.
  let quality = 90;
  for (let n = 0; ; n++) {
    const jpeg = await sharp(px, { raw: { width: W, height: H, channels: 3 } })
      .withExif({
        IFD0: { Make: 'Vitrina', Model: 'Bench Camera' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 26/1 46/1', GPSLongitudeRef: 'W', GPSLongitude: '79/1 58/1 56/1' },
      })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality })
      .toBuffer();
    if (n > 15) return jpeg;
    if (jpeg.length > 1.08 * 1048576) quality -= 2;
    else if (jpeg.length < 0.95 * 1048576) quality += 1;
    else return jpeg;
  }
}
