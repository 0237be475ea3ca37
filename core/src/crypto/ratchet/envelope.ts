import { ParleyError } from '../../errors/index.js';
import type { CryptoBackend } from '../backend/backend.js';
import { equalBytes } from '../bytes.js';
import type { ParsedMessage } from './message.js';

/**
 * ciphertext = secretbox(AD(32) ‖ header ‖ plaintext) under the message key. The header travels in the
 * clear so the recipient can find the key, and again inside the box, so changing any header byte (or
 * replaying it under another session's AD) fails the comparison after the Poly1305 check. This costs no
 * extra hashing per message, which HMAC-over-header would.
 */
export function sealRatchetMessage(
  backend: CryptoBackend,
  messageKey: Uint8Array,
  associatedData: Uint8Array,
  headerBytes: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const inner = new Uint8Array(associatedData.length + headerBytes.length + plaintext.length);
  inner.set(associatedData);
  inner.set(headerBytes, associatedData.length);
  inner.set(plaintext, associatedData.length + headerBytes.length);
  const box = backend.secretbox(inner, messageKey.subarray(32, 56), messageKey.subarray(0, 32));
  inner.fill(0);
  const out = new Uint8Array(headerBytes.length + box.length);
  out.set(headerBytes);
  out.set(box, headerBytes.length);
  return out;
}

export function openRatchetMessage(
  backend: CryptoBackend,
  messageKey: Uint8Array,
  associatedData: Uint8Array,
  message: ParsedMessage,
): Uint8Array {
  const inner = backend.secretboxOpen(
    message.ciphertext,
    messageKey.subarray(32, 56),
    messageKey.subarray(0, 32),
  );
  const prefix = associatedData.length + message.headerBytes.length;
  if (
    !inner ||
    inner.length < prefix ||
    !equalBytes(inner.subarray(0, associatedData.length), associatedData) ||
    !equalBytes(inner.subarray(associatedData.length, prefix), message.headerBytes)
  ) {
    throw new ParleyError('DECRYPT_FAILED', 'message does not authenticate');
  }
  return inner.slice(prefix);
}
