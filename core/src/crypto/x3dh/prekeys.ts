import nacl from 'tweetnacl';
import { ParleyError } from '../../errors/index.js';
import { FetchedBundleSchema, type FetchedBundle, type PreKeyBundle } from '../../protocol/directory.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import { signedPreKeyMessage } from '../../protocol/signed-messages.js';
import type { CryptoBackend } from '../backend/backend.js';
import { generateDhKeyPair, type DhKeyPair } from '../identity/dh.js';
import { verifyPublicIdentity, type IdentityKeyPair, type PublicIdentity } from '../identity/identity.js';
import { requireSignature } from '../identity/strict-verify.js';
import { resolveOptions, type CryptoOptions } from '../options.js';

export interface SignedPreKeyPair {
  keyId: number;
  keyPair: DhKeyPair;
  /** Ed25519 over `signedPreKeyMessage(keyId, publicKey)`: the bytes the relay checks too. */
  signature: Uint8Array;
  createdAt: number;
}

export interface OneTimePreKeyPair {
  keyId: number;
  keyPair: DhKeyPair;
}

export function generateSignedPreKey(
  identity: IdentityKeyPair,
  keyId: number,
  options?: CryptoOptions,
): SignedPreKeyPair {
  const context = resolveOptions(options);
  const keyPair = generateDhKeyPair(context);
  const signature = nacl.sign.detached(
    signedPreKeyMessage(keyId, keyPair.publicKey),
    identity.signingSecretKey,
  );
  return { keyId, keyPair, signature, createdAt: context.now() };
}

export function generateOneTimePreKeys(
  firstKeyId: number,
  count: number,
  options?: CryptoOptions,
): OneTimePreKeyPair[] {
  const context = resolveOptions(options);
  return Array.from({ length: count }, (_, i) => ({
    keyId: (firstKeyId + i) >>> 0,
    keyPair: generateDhKeyPair(context),
  }));
}

/** What a device publishes to the relay directory (PreKeyBundleSchema). */
export function buildPreKeyBundle(
  identity: IdentityKeyPair,
  signedPreKey: SignedPreKeyPair,
  oneTimePreKeys: OneTimePreKeyPair[],
): PreKeyBundle {
  return {
    identityKey: toBase64Url(identity.identityKey),
    identityDhKey: toBase64Url(identity.identityDhKey),
    identityDhSignature: toBase64Url(identity.identityDhSignature),
    signedPreKey: {
      keyId: signedPreKey.keyId,
      publicKey: toBase64Url(signedPreKey.keyPair.publicKey),
      signature: toBase64Url(signedPreKey.signature),
    },
    oneTimePreKeys: oneTimePreKeys.map((key) => ({
      keyId: key.keyId,
      publicKey: toBase64Url(key.keyPair.publicKey),
    })),
  };
}

/** A fetched bundle, decoded and with both signatures verified. */
export interface VerifiedBundle {
  identity: PublicIdentity;
  signedPreKeyId: number;
  signedPreKey: Uint8Array;
  oneTimePreKey?: { keyId: number; publicKey: Uint8Array };
}

/**
 * Validates the shape (BAD_BUNDLE) and both signatures, strictly (INVALID_SIGNATURE). The directory is not
 * trusted: a relay that swaps a prekey is caught here.
 */
export function verifyFetchedBundle(backend: CryptoBackend, input: FetchedBundle): VerifiedBundle {
  const parsed = FetchedBundleSchema.safeParse(input);
  if (!parsed.success)
    throw new ParleyError('BAD_BUNDLE', `malformed prekey bundle: ${parsed.error.message}`);
  const bundle = parsed.data;
  const identity: PublicIdentity = {
    identityKey: fromBase64Url(bundle.identityKey),
    identityDhKey: fromBase64Url(bundle.identityDhKey),
    identityDhSignature: fromBase64Url(bundle.identityDhSignature),
  };
  verifyPublicIdentity(backend, identity);
  const signedPreKey = fromBase64Url(bundle.signedPreKey.publicKey);
  requireSignature(
    backend,
    signedPreKeyMessage(bundle.signedPreKey.keyId, signedPreKey),
    fromBase64Url(bundle.signedPreKey.signature),
    identity.identityKey,
    'signed prekey',
  );
  const verified: VerifiedBundle = { identity, signedPreKeyId: bundle.signedPreKey.keyId, signedPreKey };
  if (bundle.oneTimePreKey) {
    verified.oneTimePreKey = {
      keyId: bundle.oneTimePreKey.keyId,
      publicKey: fromBase64Url(bundle.oneTimePreKey.publicKey),
    };
  }
  return verified;
}
