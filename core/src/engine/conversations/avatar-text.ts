import { base64 } from '@scure/base';
import { fromBase64Url } from '../../protocol/encoding.js';

const DATA_URL = /^data:image\/[a-z0-9+.-]+;base64,([A-Za-z0-9+/]*={0,2})$/iu;

/**
 * The image bytes of a group's avatar text: the clients put a `data:image/…;base64,` URL in the signed group
 * state (what the web UI's picker produces); plain unpadded base64url is accepted too. Undefined for an
 * empty or unreadable value, so a bad picture never hides the conversation.
 */
export function avatarBytesFromText(avatar: string | undefined): Uint8Array | undefined {
  if (avatar === undefined || avatar.length === 0) return undefined;
  try {
    const match = DATA_URL.exec(avatar);
    const bytes = match === null ? fromBase64Url(avatar) : base64.decode(match[1] ?? '');
    return bytes.length === 0 ? undefined : bytes;
  } catch {
    return undefined;
  }
}
