import { randomBytes } from 'node:crypto';
import { toBase64Url } from '@parley/core';
import { ed25519SignerFromSeed, type Ed25519Signer } from '../../../relay/src/auth/ed25519.node.js';

export interface BenchIdentity {
  /** base64url of the Ed25519 public key: the identity on the wire. */
  readonly id: string;
  readonly signer: Ed25519Signer;
}

/** Fresh identities signed with Node's native Ed25519 (tweetnacl signs too slowly to drive thousands). */
export function makeIdentities(count: number): BenchIdentity[] {
  const identities: BenchIdentity[] = [];
  for (let i = 0; i < count; i += 1) {
    const signer = ed25519SignerFromSeed(new Uint8Array(randomBytes(32)));
    identities.push({ id: toBase64Url(signer.publicKey), signer });
  }
  return identities;
}
