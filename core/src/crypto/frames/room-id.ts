import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ParleyError } from '../../errors/index.js';
import { toBase64Url, utf8 } from '../../protocol/encoding.js';

export const ROOM_ID_LABEL = 'parley/sfu-room/v1';

/**
 * The SFU room of a group call: `base64url(HMAC-SHA256(callSecret, "parley/sfu-room/v1"))`, 43 characters
 * (docs/sfu.md, docs/crypto.md "Group calls"). `callSecret` is 32 random bytes only the group's members are
 * given, so only they can name the room; the relay signs a join token for whatever room is named, and the
 * SFU lets the token open that room and no other.
 */
export function groupCallRoomId(callSecret: Uint8Array): string {
  if (callSecret.length !== 32) throw new ParleyError('INVALID_KEY', 'a call secret is 32 bytes');
  return toBase64Url(hmac(sha256, callSecret, utf8(ROOM_ID_LABEL)));
}
