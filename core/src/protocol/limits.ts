/** Every size on the wire is capped; docs/protocol.md repeats these numbers. */
export const LIMITS = {
  /** Socket.IO `maxHttpBufferSize`: the largest single packet the relay accepts. */
  maxPacketBytes: 1024 * 1024,
  /** An offline blob (one ratchet-encrypted envelope). Files go through attachments. */
  maxBlobBytes: 256 * 1024,
  /** Recipients of one deposit (a group fan-out). */
  maxRecipients: 1024,
  /** A WebRTC signal (SDP or candidate) serialised as JSON. */
  maxSignalBytes: 64 * 1024,
  /** One-time prekeys in one publish. */
  maxOneTimePreKeys: 200,
  /** Identities in a presence allow list or subscription. */
  maxPresenceIdentities: 5000,
  /** Blob ids in one ack. */
  maxAckIds: 1000,
  /** Free-form strings (invite tokens, OTP addresses, link ids). */
  maxTokenLength: 256,
} as const;
