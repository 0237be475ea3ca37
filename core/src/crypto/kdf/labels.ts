import { utf8 } from '../../protocol/encoding.js';

/**
 * Every KDF info string and hash domain in Parley, in one place so docs/crypto.md can list them and no two
 * derivations can share a label by accident.
 */
export const KDF_LABELS = {
  x3dh: utf8('parley/x3dh/v1'),
  ratchetRoot: utf8('parley/ratchet/root/v1'),
  senderKeyMessage: utf8('parley/sender-key/message/v1'),
  senderKeyTag: utf8('parley/sender-key/tag/v1'),
  sealedSenderEphemeral: utf8('parley/sealed-sender/ephemeral/v1'),
  sealedSenderStatic: utf8('parley/sealed-sender/static/v1'),
  attachmentDigest: utf8('parley/attachment/digest/v1'),
  identityChecksum: utf8('parley/identity-string/v1'),
  safetyNumber: utf8('parley/safety-number/v1'),
  associatedData: utf8('parley/ratchet/ad/v1'),
  deviceLinkTranscript: utf8('parley/device-link/transcript/v1'),
  deviceLinkHello: utf8('parley/device-link/hello/v1'),
  deviceLinkAccept: utf8('parley/device-link/accept/v1'),
  deviceLinkDevice: utf8('parley/device-link/device/v1'),
  deviceLinkKeys: utf8('parley/device-link/keys/v1'),
  deviceLinkCommit: utf8('parley/device-link/commit/v1'),
  frameKey: utf8('parley/frame/key/v1'),
  frameSalt: utf8('parley/frame/salt/v1'),
  frameRatchet: utf8('parley/frame/ratchet/v1'),
} as const;

/** Single-byte HMAC inputs of the symmetric-key ratchet (Signal's KDF_CK constants). */
export const CHAIN_MESSAGE_KEY_SEED = new Uint8Array([0x01]);
export const CHAIN_NEXT_KEY_SEED = new Uint8Array([0x02]);
