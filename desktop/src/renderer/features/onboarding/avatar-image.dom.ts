import { withImageBitmap } from '../../ui/image-file.dom.js';
import { fitsAvatarLimit } from './avatar-bytes.js';

/** Largest side of a stored avatar, in pixels: small enough for localStorage and a contact card. */
export const AVATAR_SIZE = 128;

/**
 * Reads an image file the person picked and returns it downscaled to a square JPEG data: URL (centre crop).
 * Rejects anything the browser cannot decode as an image.
 */
export async function downscaleAvatar(file: Blob, size = AVATAR_SIZE, quality = 0.85): Promise<string> {
  return withImageBitmap(file, 'Choose an image file for your picture', (bitmap) => {
    const side = Math.min(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('This browser cannot draw images');
    context.drawImage(
      bitmap,
      (bitmap.width - side) / 2,
      (bitmap.height - side) / 2,
      side,
      side,
      0,
      0,
      size,
      size,
    );
    return canvas.toDataURL('image/jpeg', quality);
  });
}

/** The picture downscaled until its bytes fit what a profile may carry (MAX_AVATAR_BYTES). */
export async function downscaleAvatarToFit(file: Blob): Promise<string> {
  for (const [size, quality] of [
    [AVATAR_SIZE, 0.85],
    [AVATAR_SIZE, 0.6],
    [96, 0.6],
    [64, 0.5],
  ] as const) {
    const url = await downscaleAvatar(file, size, quality);
    if (fitsAvatarLimit(url)) return url;
  }
  throw new Error('That picture stays too large even when shrunk; choose a simpler one');
}
