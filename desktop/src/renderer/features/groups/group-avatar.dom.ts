import { downscaleAvatar } from '../onboarding/avatar-image.dom.js';

/** What a group state may carry for its picture (core's GroupStateSchema: 64 KiB of text). */
export const GROUP_AVATAR_MAX_CHARS = 64 * 1024;

/**
 * A picked image as the group's picture: centre-cropped and downscaled to a small JPEG data: URL that fits
 * in the signed group state every member receives.
 */
export async function groupAvatarFrom(file: Blob): Promise<string> {
  let url = await downscaleAvatar(file);
  if (url.length > GROUP_AVATAR_MAX_CHARS) url = await downscaleAvatar(file, 64);
  if (url.length > GROUP_AVATAR_MAX_CHARS)
    throw new Error('That picture is too detailed for a group picture');
  return url;
}
