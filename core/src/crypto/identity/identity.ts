import { base58 } from '@scure/base';
import nacl from 'tweetnacl';
import { ParleyError } from '../../errors/index.js';
import { concatBytes, fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import { identityDhMessage } from '../../protocol/signed-messages.js';
import type { CryptoBackend } from '../backend/backend.js';
import { equalBytes } from '../bytes.js';
import { KDF_LABELS } from '../kdf/labels.js';
import { resolveOptions, type CryptoOptions } from '../options.js';
import { generateDhKeyPair, type DhKeyPair } from './dh.js';
import { requireSignature } from './strict-verify.js';

/** The public half of an identity: what a bundle, a prekey message or a sealed envelope carries. */
export interface PublicIdentity {
  /** Ed25519; the device's identity on the relay. */
  identityKey: Uint8Array;
  /** X25519 used in X3DH and sealed sender. */
  identityDhKey: Uint8Array;
  /** Ed25519 over `identityDhMessage(identityDhKey)`. */
  identityDhSignature: Uint8Array;
}

export interface IdentityKeyPair extends PublicIdentity {
  /** nacl.sign secret key (seed ‖ public key, 64 bytes). */
  signingSecretKey: Uint8Array;
  identityDhSecretKey: Uint8Array;
}

export function generateIdentity(options?: CryptoOptions): IdentityKeyPair {
  const context = resolveOptions(options);
  const signing = nacl.sign.keyPair.fromSeed(context.randomBytes(32));
  const dh: DhKeyPair = generateDhKeyPair(context);
  return {
    identityKey: signing.publicKey,
    signingSecretKey: signing.secretKey,
    identityDhKey: dh.publicKey,
    identityDhSecretKey: dh.secretKey,
    identityDhSignature: nacl.sign.detached(identityDhMessage(dh.publicKey), signing.secretKey),
  };
}

export function sign(identity: IdentityKeyPair, message: Uint8Array): Uint8Array {
  return nacl.sign.detached(message, identity.signingSecretKey);
}

export function publicIdentity(identity: IdentityKeyPair): PublicIdentity {
  return {
    identityKey: identity.identityKey,
    identityDhKey: identity.identityDhKey,
    identityDhSignature: identity.identityDhSignature,
  };
}

/** Throws INVALID_SIGNATURE unless the X25519 key is signed by the identity key, strictly. */
/**
 * Identities whose DH-key signature already verified, by their exact 128 bytes. Every sealed envelope and
 * prekey message carries the sender's identity, and a strict Ed25519 verify in tweetnacl costs ~6 ms: the
 * engine bench spent most of its time re-verifying the same few contacts. Validity of a signature is a fact
 * about the bytes alone (backends agree by contract), so remembering positive answers changes no outcome.
 */
const verifiedIdentities = new Set<string>();
const VERIFIED_IDENTITY_CACHE_LIMIT = 4096;

export function verifyPublicIdentity(backend: CryptoBackend, identity: PublicIdentity): void {
  if (identity.identityDhKey.length !== 32)
    throw new ParleyError('INVALID_KEY', 'identity DH key must be 32 bytes');
  if (identity.identityKey.length !== 32 || identity.identityDhSignature.length !== 64) {
    throw new ParleyError('INVALID_SIGNATURE', 'identity DH key: signature does not verify');
  }
  const cacheKey = toBase64Url(
    concatBytes(identity.identityKey, identity.identityDhKey, identity.identityDhSignature),
  );
  if (verifiedIdentities.has(cacheKey)) return;
  requireSignature(
    backend,
    identityDhMessage(identity.identityDhKey),
    identity.identityDhSignature,
    identity.identityKey,
    'identity DH key',
  );
  if (verifiedIdentities.size >= VERIFIED_IDENTITY_CACHE_LIMIT) {
    // Oldest first: Sets iterate in insertion order.
    const oldest = verifiedIdentities.values().next().value;
    if (oldest !== undefined) verifiedIdentities.delete(oldest);
  }
  verifiedIdentities.add(cacheKey);
}

const CHECKSUM_LENGTH = 4;

function checksum(identityKey: Uint8Array): Uint8Array {
  return nacl.hash(concatBytes(KDF_LABELS.identityChecksum, identityKey)).subarray(0, CHECKSUM_LENGTH);
}

/**
 * base58(identity key ‖ first 4 bytes of SHA-512(label ‖ key)): no characters that need escaping in a
 * link, none that look alike, and a typo is caught with probability 1 − 2⁻³².
 */
export function identityString(identityKey: Uint8Array): string {
  if (identityKey.length !== 32) throw new ParleyError('INVALID_KEY', 'identity key must be 32 bytes');
  return base58.encode(concatBytes(identityKey, checksum(identityKey)));
}

export function parseIdentityString(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(text);
  } catch (cause) {
    throw new ParleyError('INVALID_KEY', 'identity string is not base58', { cause });
  }
  if (bytes.length !== 32 + CHECKSUM_LENGTH)
    throw new ParleyError('INVALID_KEY', 'identity string has the wrong length');
  const key = bytes.slice(0, 32);
  if (!equalBytes(bytes.subarray(32), checksum(key))) {
    throw new ParleyError('INVALID_KEY', 'identity string checksum does not match (typo?)');
  }
  return key;
}

export interface SerializedIdentity {
  version: 1;
  identityKey: string;
  signingSecretKey: string;
  identityDhKey: string;
  identityDhSecretKey: string;
  identityDhSignature: string;
}

export function serializeIdentity(identity: IdentityKeyPair): SerializedIdentity {
  return {
    version: 1,
    identityKey: toBase64Url(identity.identityKey),
    signingSecretKey: toBase64Url(identity.signingSecretKey),
    identityDhKey: toBase64Url(identity.identityDhKey),
    identityDhSecretKey: toBase64Url(identity.identityDhSecretKey),
    identityDhSignature: toBase64Url(identity.identityDhSignature),
  };
}

export function deserializeIdentity(data: SerializedIdentity): IdentityKeyPair {
  if (data.version !== 1)
    throw new ParleyError('INVALID_KEY', `unknown identity version ${String(data.version)}`);
  return {
    identityKey: fromBase64Url(data.identityKey),
    signingSecretKey: fromBase64Url(data.signingSecretKey),
    identityDhKey: fromBase64Url(data.identityDhKey),
    identityDhSecretKey: fromBase64Url(data.identityDhSecretKey),
    identityDhSignature: fromBase64Url(data.identityDhSignature),
  };
}
