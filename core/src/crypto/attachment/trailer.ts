import { ParleyError } from '../../errors/index.js';
import { resolveOptions, type CryptoOptions } from '../options.js';
import { NONCE_PREFIX_LENGTH, parseAttachmentHeader, type AttachmentKeys } from './format.js';

/** Byte 23 of a chunk nonce is its final flag, 0 or 1; 2 marks the trailing digest, so no nonce repeats. */
const DIGEST_NONCE_FLAG = 2;
const DIGEST_LENGTH = 32;

function digestNonce(keys: AttachmentKeys, header: Uint8Array): Uint8Array {
  const nonce = new Uint8Array(24);
  nonce.set(parseAttachmentHeader(header, keys.chunkSize).noncePrefix.subarray(0, NONCE_PREFIX_LENGTH));
  nonce[23] = DIGEST_NONCE_FLAG;
  return nonce;
}

/**
 * Seals an attachment's digest under its own key, for a sender that encrypts while it sends and so learns
 * the digest only after the last chunk: the message announcing the file carries the key without the digest,
 * and this box follows the last chunk. Only holders of the key (the sender and the recipient it told in a
 * ratchet message) can make one, so the recipient's check means what the descriptor's digest means.
 */
export function sealAttachmentDigest(
  keys: AttachmentKeys,
  header: Uint8Array,
  digest: Uint8Array,
  options?: CryptoOptions,
): Uint8Array {
  if (digest.length !== DIGEST_LENGTH) throw new ParleyError('BAD_REQUEST', 'attachment digest is 32 bytes');
  return resolveOptions(options).backend.secretbox(digest, digestNonce(keys, header), keys.key);
}

/** Opens a trailing digest; DECRYPT_FAILED if it was not sealed under this attachment's key and header. */
export function openAttachmentDigest(
  keys: AttachmentKeys,
  header: Uint8Array,
  sealed: Uint8Array,
  options?: CryptoOptions,
): Uint8Array {
  const digest = resolveOptions(options).backend.secretboxOpen(sealed, digestNonce(keys, header), keys.key);
  if (digest?.length !== DIGEST_LENGTH)
    throw new ParleyError('DECRYPT_FAILED', 'the trailing attachment digest does not authenticate');
  return digest;
}
