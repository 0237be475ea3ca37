/**
 * Parley's end-to-end encryption: the only surface other packages import. Everything under crypto/ that is
 * not re-exported here is internal. See docs/crypto.md for the keys, labels and formats.
 */
export type { CryptoBackend } from './backend/backend.js';
export { tweetnaclBackend } from './backend/tweetnacl.js';
export { resolveOptions, type CryptoContext, type CryptoOptions } from './options.js';

export {
  hkdf,
  hkdfExpand,
  hkdfExtract,
  hmac,
  sha512Hash,
  type HashFunction,
  KDF_LABELS,
} from './kdf/index.js';

export {
  deserializeIdentity,
  generateIdentity,
  identityString,
  parseIdentityString,
  publicIdentity,
  serializeIdentity,
  sign,
  verifyPublicIdentity,
  type IdentityKeyPair,
  type PublicIdentity,
  type SerializedIdentity,
} from './identity/identity.js';
export {
  isCanonicalSignature,
  isStrictPublicKey,
  requireSignature,
  verifySignature,
} from './identity/strict-verify.js';
export {
  acceptIdentity,
  checkDeviceTrust,
  checkTrust,
  markVerified,
  requireDeviceKey,
  type TrustOutcome,
} from './identity/trust.js';
export type { DhKeyPair } from './identity/dh.js';

export {
  buildPreKeyBundle,
  generateOneTimePreKeys,
  generateSignedPreKey,
  verifyFetchedBundle,
  type OneTimePreKeyPair,
  type SignedPreKeyPair,
  type VerifiedBundle,
} from './x3dh/prekeys.js';
export type { PreKeyHeader } from './x3dh/x3dh.js';

export { DEFAULT_RATCHET_LIMITS, type RatchetLimits } from './ratchet/ratchet.js';
export {
  SessionCipher,
  type DecryptedMessage,
  type SessionCipherOptions,
  type SessionCipherStores,
} from './session/session-cipher.js';
export {
  deserializeSessionRecord,
  retireSendingChains,
  serializeSessionRecord,
  type SessionRecord,
} from './session/session-record.js';

export { GroupCipher, type GroupCipherOptions } from './group/group-cipher.js';
export { SENDER_KEY_TAG_LENGTH, senderKeyRecordTags, senderKeyTag } from './group/sender-key-tag.js';

export * from './attachment/index.js';

export {
  SAFETY_NUMBER_ITERATIONS,
  fingerprint,
  formatSafetyNumber,
  matchesScannedQr,
  safetyNumber,
  type SafetyNumber,
} from './safety-number/safety-number.js';

export {
  SEALED_PADDING_BLOCK,
  decryptSealed,
  openSealed,
  sealToRecipient,
  type SealedSender,
} from './sealed-sender/sealed-sender.js';

export {
  InMemoryIdentityStore,
  InMemoryPreKeyStore,
  InMemorySenderKeyStore,
  InMemorySessionStore,
  addressKey,
  type IdentityStore,
  type PreKeyStore,
  type ProtocolAddress,
  type SenderKeyStore,
  type SessionStore,
  type TrustedIdentity,
} from './stores.js';

export {
  UNSEEN_DEVICE_DROP_MS,
  acceptDeviceList,
  nextCounter,
  signDeviceList,
  unseenDevices,
  verifyDeviceBundle,
  verifyDeviceList,
  type VerifiedDeviceList,
} from './devices/index.js';

export * from './frames/index.js';
