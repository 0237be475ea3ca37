import { ParleyError } from '../../errors/index.js';
import { concatBytes } from '../../protocol/encoding.js';
import { ByteReader, readUint32, writeUint32 } from '../bytes.js';
import { generateDhKeyPair, x25519 } from '../identity/dh.js';
import {
  identityString,
  verifyPublicIdentity,
  type IdentityKeyPair,
  type PublicIdentity,
} from '../identity/identity.js';
import { equalBytes, wipe } from '../bytes.js';
import { hkdf, sha512Hash } from '../kdf/index.js';
import { KDF_LABELS } from '../kdf/labels.js';
import { resolveOptions, type CryptoContext, type CryptoOptions } from '../options.js';
import type { DecryptedMessage, SessionCipher } from '../session/session-cipher.js';
import type { ProtocolAddress } from '../stores.js';

const SEALED_VERSION = 1;
/** Version 2: the certificate also names the account a linked device belongs to (docs/crypto.md). */
const SEALED_VERSION_LINKED = 2;
const CERTIFICATE_LENGTH = 32 + 32 + 64 + 4;
/** Content is padded to a multiple of this, so the blob size tells the relay only a size class. */
export const SEALED_PADDING_BLOCK = 256;

export interface SealedSender {
  identity: PublicIdentity;
  deviceId: number;
  /**
   * The account key the sender claims to belong to: its own identity key for a primary (version 1), the
   * primary's for a linked device (version 2). A claim only: the receiver checks that the account's signed
   * device list names this identity under this device id.
   */
  account: Uint8Array;
}

function keyAndNonce(context: CryptoContext, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array) {
  const out = hkdf(sha512Hash(context.backend), ikm, salt, info, 56);
  return { key: out.subarray(0, 32), nonce: out.subarray(32, 56) };
}

function pad(content: Uint8Array): Uint8Array {
  const length = Math.ceil((content.length + 4) / SEALED_PADDING_BLOCK) * SEALED_PADDING_BLOCK;
  const out = new Uint8Array(length);
  writeUint32(out, 0, content.length);
  out.set(content, 4);
  return out;
}

function unpad(padded: Uint8Array): Uint8Array {
  const length = padded.length >= 4 ? readUint32(padded, 0) : -1;
  if (length < 0 || length + 4 > padded.length)
    throw new ParleyError('DECRYPT_FAILED', 'sealed content is malformed');
  return padded.slice(4, 4 + length);
}

/**
 * version(1) ‖ ephemeral X25519(32) ‖ box₁(sender certificate) ‖ box₂(padded content).
 * box₁ is keyed by DH(ephemeral, recipient) and hides who is sending; box₂ is keyed additionally by
 * DH(sender identity DH key, recipient), so opening it proves the sender holds that key (Signal's sealed
 * sender v1 in shape). The relay sees only the recipient it was told and the padded size.
 */
export function sealToRecipient(
  sender: IdentityKeyPair,
  senderDeviceId: number,
  recipientIdentityDhKey: Uint8Array,
  content: Uint8Array,
  options?: CryptoOptions,
  /** A linked device's account key (the primary's identity key); absent or equal for a primary. */
  account?: Uint8Array,
): Uint8Array {
  const context = resolveOptions(options);
  const linked = account !== undefined && !equalBytes(account, sender.identityKey);
  const ephemeral = generateDhKeyPair(context);
  const salt = concatBytes(ephemeral.publicKey, recipientIdentityDhKey);
  const first = keyAndNonce(
    context,
    x25519(context.backend, ephemeral.secretKey, recipientIdentityDhKey),
    salt,
    KDF_LABELS.sealedSenderEphemeral,
  );
  const certificate = new Uint8Array(CERTIFICATE_LENGTH + (linked ? 32 : 0));
  certificate.set(sender.identityKey, 0);
  certificate.set(sender.identityDhKey, 32);
  certificate.set(sender.identityDhSignature, 64);
  writeUint32(certificate, 128, senderDeviceId);
  if (linked) certificate.set(account, CERTIFICATE_LENGTH);
  const certificateBox = context.backend.secretbox(certificate, first.nonce, first.key);
  const second = keyAndNonce(
    context,
    x25519(context.backend, sender.identityDhSecretKey, recipientIdentityDhKey),
    concatBytes(first.key, certificateBox),
    KDF_LABELS.sealedSenderStatic,
  );
  const contentBox = context.backend.secretbox(pad(content), second.nonce, second.key);
  wipe(ephemeral.secretKey);
  const version = linked ? SEALED_VERSION_LINKED : SEALED_VERSION;
  return concatBytes(new Uint8Array([version]), ephemeral.publicKey, certificateBox, contentBox);
}

export function openSealed(
  recipient: IdentityKeyPair,
  envelope: Uint8Array,
  options?: CryptoOptions,
): { sender: SealedSender; content: Uint8Array } {
  const context = resolveOptions(options);
  const reader = new ByteReader(envelope, 'DECRYPT_FAILED', 'sealed envelope');
  const version = reader.u8();
  if (version !== SEALED_VERSION && version !== SEALED_VERSION_LINKED)
    throw new ParleyError('DECRYPT_FAILED', 'unknown sealed envelope version');
  const linked = version === SEALED_VERSION_LINKED;
  const ephemeralKey = reader.take(32);
  const certificateBox = reader.take(CERTIFICATE_LENGTH + (linked ? 32 : 0) + 16);
  const contentBox = reader.rest();
  const salt = concatBytes(ephemeralKey, recipient.identityDhKey);
  const first = keyAndNonce(
    context,
    x25519(context.backend, recipient.identityDhSecretKey, ephemeralKey),
    salt,
    KDF_LABELS.sealedSenderEphemeral,
  );
  const certificate = context.backend.secretboxOpen(certificateBox, first.nonce, first.key);
  if (!certificate) throw new ParleyError('DECRYPT_FAILED', 'sealed envelope does not decrypt');
  const identity: PublicIdentity = {
    identityKey: certificate.slice(0, 32),
    identityDhKey: certificate.slice(32, 64),
    identityDhSignature: certificate.slice(64, 128),
  };
  verifyPublicIdentity(context.backend, identity);
  const second = keyAndNonce(
    context,
    x25519(context.backend, recipient.identityDhSecretKey, identity.identityDhKey),
    concatBytes(first.key, certificateBox),
    KDF_LABELS.sealedSenderStatic,
  );
  const padded = context.backend.secretboxOpen(contentBox, second.nonce, second.key);
  if (!padded) throw new ParleyError('DECRYPT_FAILED', 'sealed content does not authenticate its sender');
  const account = linked ? certificate.slice(CERTIFICATE_LENGTH) : identity.identityKey;
  if (linked && equalBytes(account, identity.identityKey))
    throw new ParleyError('DECRYPT_FAILED', 'a linked-device certificate naming its own key as the account');
  return { sender: { identity, deviceId: readUint32(certificate, 128), account }, content: unpad(padded) };
}

/**
 * Opens an envelope and decrypts the ratchet message inside it from the address the certificate names,
 * insisting that the session's peer is the identity that sealed the envelope.
 */
export async function decryptSealed(
  cipher: SessionCipher,
  recipient: IdentityKeyPair,
  envelope: Uint8Array,
  options?: CryptoOptions,
): Promise<DecryptedMessage & { address: ProtocolAddress }> {
  const { sender, content } = openSealed(recipient, envelope, options);
  const address = { name: identityString(sender.account), deviceId: sender.deviceId };
  const message = await cipher.decrypt(address, content);
  if (!equalBytes(message.sender.identityKey, sender.identity.identityKey)) {
    throw new ParleyError('UNTRUSTED_IDENTITY', 'sealed sender and session identity differ');
  }
  return { ...message, address };
}
