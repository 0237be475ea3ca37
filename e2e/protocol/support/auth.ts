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
  /** Not on the wire: the URL this client dialled, whose host the answer names. */
  dialled: string;
}

const AUTH_LABEL = 'parley/relay-auth/v2';

/** The relay as the client dialled it: the URL's host, lower-case, `:port` unless the scheme's default. */
export function relayHostOf(url: string): string {
  return new URL(url).host.toLowerCase();
}

/**
 * message = label ‖ 0x00 ‖ nonce (32) ‖ identity key (32) ‖ relay key (32, from the challenge) ‖
 * len(relayHost) (uint32 BE) ‖ relayHost (UTF-8).
 */
export function authMessage(challenge: Challenge, identity: Identity): Buffer {
  const host = Buffer.from(relayHostOf(challenge.dialled), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(host.length);
  return Buffer.concat([
    Buffer.from(AUTH_LABEL, 'ascii'),
    Buffer.from([0]),
    fromBase64Url(challenge.nonce),
    fromBase64Url(identity.id),
    fromBase64Url(challenge.relayKey),
    length,
    host,
  ]);
}

/** The `auth` payload's identity and signature for this challenge (signed by `signer`, default the identity). */
export function answerChallenge(
  challenge: Challenge,
  identity: Identity,
  signer: Identity = identity,
): { identity: string; signature: string; relayHost: string } {
  return {
    identity: identity.id,
    signature: sign(null, authMessage(challenge, identity), signer.privateKey).toString('base64url'),
    relayHost: relayHostOf(challenge.dialled),
  };
}
