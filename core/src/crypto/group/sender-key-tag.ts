import { utf8 } from '../../protocol/encoding.js';
import type { CryptoBackend } from '../backend/backend.js';
import { hkdf, sha512Hash } from '../kdf/index.js';
import { KDF_LABELS } from '../kdf/labels.js';
import { deserializeSenderKeyRecord } from './sender-key-state.js';

export const SENDER_KEY_TAG_LENGTH = 16;

/**
 * The tag a sealed group message carries instead of its sender: HKDF-SHA-512 of the sender key's group signing
 * public key, salted with the group id. That public key only ever travels inside pairwise sessions (in the
 * distribution), so only the members the sender gave this generation of its key to can map the tag back to
 * (group, sender); for the relay it is an opaque pseudonym of one member's key generation in one group.
 */
export function senderKeyTag(
  backend: CryptoBackend,
  groupId: string,
  signingPublicKey: Uint8Array,
): Uint8Array {
  return hkdf(
    sha512Hash(backend),
    signingPublicKey,
    utf8(groupId),
    KDF_LABELS.senderKeyTag,
    SENDER_KEY_TAG_LENGTH,
  );
}

/** The tags of every generation a stored sender key record holds (to index what a member may receive). */
export function senderKeyRecordTags(backend: CryptoBackend, groupId: string, record: string): Uint8Array[] {
  return deserializeSenderKeyRecord(record).states.map((state) =>
    senderKeyTag(backend, groupId, state.signingPublicKey),
  );
}
