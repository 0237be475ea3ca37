/**
 * How a client proves its identity to the relay, written from docs/protocol.md ("Authentication handshake")
 * alone. The ONE place the conformance suite builds and signs the auth message: when the message changes (a
 * new label, the relay's key and origin in it), this file is the only one to change.
 */
import { sign } from 'node:crypto';
import { fromBase64Url, type Identity } from './keys.js';

export interface Challenge {
  nonce: string;
  expiresAt: number;
  relayKey: string;
  policy: 'open' | 'invite' | 'otp';
}

const AUTH_LABEL = 'parley/relay-auth/v1';

/** message = label ‖ 0x00 ‖ nonce (32 bytes) ‖ identity key (32 bytes): 85 bytes. */
export function authMessage(challenge: Challenge, identity: Identity): Buffer {
  return Buffer.concat([
    Buffer.from(AUTH_LABEL, 'ascii'),
    Buffer.from([0]),
    fromBase64Url(challenge.nonce),
    fromBase64Url(identity.id),
  ]);
}

/** The `auth` payload's identity and signature for this challenge (signed by `signer`, default the identity). */
export function answerChallenge(
  challenge: Challenge,
  identity: Identity,
  signer: Identity = identity,
): { identity: string; signature: string } {
  return {
    identity: identity.id,
    signature: sign(null, authMessage(challenge, identity), signer.privateKey).toString('base64url'),
  };
}
