import { bytesToDataUrl } from '../onboarding/avatar-bytes.js';

const urls = new WeakMap<Uint8Array, string | undefined>();

/** A contact's or group's picture bytes as a data: URL for <Avatar image>, encoded once per byte array. */
export function avatarUrl(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  if (!urls.has(bytes)) urls.set(bytes, bytesToDataUrl(bytes));
  return urls.get(bytes);
}
