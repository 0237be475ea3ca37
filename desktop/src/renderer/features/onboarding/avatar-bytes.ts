import { MAX_AVATAR_BYTES } from '@parley/core';

/** The bytes of a base64 `data:image/…` URL (what the avatar picker produces), for client.setProfile. */
export function dataUrlToBytes(url: string): Uint8Array {
  const match = /^data:image\/[a-z+.-]+;base64,([A-Za-z0-9+/]*={0,2})$/u.exec(url);
  if (match === null) throw new Error('The picture is not an image');
  const binary = atob(match[1] ?? '');
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** The image type of avatar bytes by their signature; undefined for anything that is not a common image. */
export function imageType(bytes: Uint8Array): string | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP')
    return 'image/webp';
  return undefined;
}

/** Avatar bytes (from a profile) as a data: URL an <img> shows, or undefined when they are not an image. */
export function bytesToDataUrl(bytes: Uint8Array): string | undefined {
  const type = imageType(bytes);
  if (type === undefined) return undefined;
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return `data:${type};base64,${btoa(binary)}`;
}

/** Whether a picture, as a data: URL, is small enough to send to contacts (MAX_AVATAR_BYTES). */
export function fitsAvatarLimit(url: string): boolean {
  return dataUrlToBytes(url).length <= MAX_AVATAR_BYTES;
}
