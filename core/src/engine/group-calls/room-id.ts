import { hmac, sha512Hash, type CryptoBackend } from '../../crypto/index.js';
import { concatBytes, toBase64Url, utf8 } from '../../protocol/encoding.js';
import { PRIMARY_DEVICE, addressOfRelayIdentity, relayIdentityOf } from '../shared/addresses.js';

/** What a group's call secret is derived from: parts of the signed group state every member holds. */
export interface GroupCallSecretInput {
  readonly groupId: string;
  readonly inviteToken: string;
}

const CALL_SECRET_LABEL = 'parley/group-call/v1';
const ROOM_LABEL = 'parley/sfu-room/v1';

/**
 * The group's call secret: HMAC-SHA512(key = invite token, label ‖ 0x00 ‖ group id). Only the group's members
 * (and whoever holds its current invite link, who may join anyway) know the invite token; an admin's
 * "reset invite link" changes it, and with it the room, for calls started afterwards. The secret names the
 * room; it does not protect the media (frame keys sent over pairwise sessions do).
 */
export function groupCallSecret(backend: CryptoBackend, group: GroupCallSecretInput): Uint8Array {
  return hmac(
    sha512Hash(backend),
    utf8(group.inviteToken),
    concatBytes(utf8(CALL_SECRET_LABEL), new Uint8Array([0]), utf8(group.groupId)),
  );
}

/**
 * The SFU room of a group's call (docs/sfu.md): the first 32 bytes of HMAC-SHA512(call secret,
 * "parley/sfu-room/v1"), base64url — 43 characters, the shape `sfu:token` and the SFU accept. Someone outside
 * the group cannot name the room, so a token they obtain opens a room no member is in.
 */
export function groupCallRoomId(backend: CryptoBackend, group: GroupCallSecretInput): string {
  const mac = hmac(sha512Hash(backend), groupCallSecret(backend, group), utf8(ROOM_LABEL));
  return toBase64Url(mac.subarray(0, 32));
}

/** The account a participant's SFU identity (the relay-authenticated key, base64url) belongs to. */
export function accountOfCallIdentity(identity: string): string | undefined {
  try {
    return addressOfRelayIdentity(identity).name;
  } catch {
    return undefined;
  }
}

/** An account's SFU identity (what `accountOfCallIdentity` reads back): how a mesh peer is named like an SFU one. */
export function callIdentityOfAccount(account: string): string {
  return relayIdentityOf({ name: account, deviceId: PRIMARY_DEVICE });
}
