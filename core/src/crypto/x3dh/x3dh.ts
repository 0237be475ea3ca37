import { concatBytes } from '../../protocol/encoding.js';
import { wipe } from '../bytes.js';
import { generateDhKeyPair, x25519, type DhKeyPair } from '../identity/dh.js';
import { publicIdentity, type IdentityKeyPair, type PublicIdentity } from '../identity/identity.js';
import { hkdf, sha512Hash } from '../kdf/index.js';
import { KDF_LABELS } from '../kdf/labels.js';
import type { CryptoContext } from '../options.js';
import type { VerifiedBundle } from './prekeys.js';

/** What every message carries until the responder replies: enough to derive the session from it alone. */
export interface PreKeyHeader {
  sender: PublicIdentity;
  /** The initiator's ephemeral X25519 key (EK_A); also names the session on both sides. */
  baseKey: Uint8Array;
  signedPreKeyId: number;
  oneTimePreKeyId?: number;
}

export interface X3dhResult {
  /** SK: the first root key. */
  sharedKey: Uint8Array;
  /** SHA-512(label ‖ IK_A ‖ IKdh_A ‖ IK_B ‖ IKdh_B)[0..32], bound into every ratchet message. */
  associatedData: Uint8Array;
}

/** 32 bytes of 0xFF before the DH outputs (X3DH §2.2), so the input never starts like a valid X25519 key. */
const PREFIX = new Uint8Array(32).fill(0xff);

function deriveSharedKey(context: CryptoContext, parts: Uint8Array[]): Uint8Array {
  const ikm = concatBytes(PREFIX, ...parts);
  const sharedKey = hkdf(sha512Hash(context.backend), ikm, new Uint8Array(64), KDF_LABELS.x3dh, 32).slice();
  wipe(ikm);
  for (const part of parts) wipe(part);
  return sharedKey;
}

export function associatedData(
  context: CryptoContext,
  initiator: PublicIdentity,
  responder: PublicIdentity,
): Uint8Array {
  return context.backend
    .sha512(
      concatBytes(
        KDF_LABELS.associatedData,
        initiator.identityKey,
        initiator.identityDhKey,
        responder.identityKey,
        responder.identityDhKey,
      ),
    )
    .slice(0, 32);
}

/** Alice's side: DH1..DH4 against a verified bundle; DH4 is left out when the relay had no one-time prekey. */
export function x3dhInitiate(
  context: CryptoContext,
  identity: IdentityKeyPair,
  bundle: VerifiedBundle,
): X3dhResult & { header: PreKeyHeader; ephemeral: DhKeyPair } {
  const ephemeral = generateDhKeyPair(context);
  const parts = [
    x25519(context.backend, identity.identityDhSecretKey, bundle.signedPreKey),
    x25519(context.backend, ephemeral.secretKey, bundle.identity.identityDhKey),
    x25519(context.backend, ephemeral.secretKey, bundle.signedPreKey),
  ];
  if (bundle.oneTimePreKey)
    parts.push(x25519(context.backend, ephemeral.secretKey, bundle.oneTimePreKey.publicKey));
  const header: PreKeyHeader = {
    sender: publicIdentity(identity),
    baseKey: ephemeral.publicKey,
    signedPreKeyId: bundle.signedPreKeyId,
  };
  if (bundle.oneTimePreKey) header.oneTimePreKeyId = bundle.oneTimePreKey.keyId;
  return {
    sharedKey: deriveSharedKey(context, parts),
    associatedData: associatedData(context, header.sender, bundle.identity),
    header,
    ephemeral,
  };
}

/** Bob's side, from the header alone (he may have been offline when Alice fetched his bundle). */
export function x3dhRespond(
  context: CryptoContext,
  identity: IdentityKeyPair,
  header: PreKeyHeader,
  signedPreKey: DhKeyPair,
  oneTimePreKey: DhKeyPair | undefined,
): X3dhResult {
  const parts = [
    x25519(context.backend, signedPreKey.secretKey, header.sender.identityDhKey),
    x25519(context.backend, identity.identityDhSecretKey, header.baseKey),
    x25519(context.backend, signedPreKey.secretKey, header.baseKey),
  ];
  if (oneTimePreKey) parts.push(x25519(context.backend, oneTimePreKey.secretKey, header.baseKey));
  return {
    sharedKey: deriveSharedKey(context, parts),
    associatedData: associatedData(context, header.sender, publicIdentity(identity)),
  };
}
