import { authChallengeMessage, fromBase64Url, ParleyError } from '@parley/core';
import { verifyEd25519 } from './ed25519.node.js';

export interface Challenge {
  nonce: Uint8Array;
  expiresAt: number;
}

export function newChallenge(
  randomBytes: (length: number) => Uint8Array,
  now: number,
  ttlSeconds: number,
): Challenge {
  return { nonce: randomBytes(32), expiresAt: now + ttlSeconds * 1000 };
}

/**
 * Checks an answer to `challenge`. The caller has already taken the challenge out of the session, so each
 * nonce is checked at most once whatever the outcome. Throws CHALLENGE_EXPIRED or AUTH_FAILED.
 */
export function verifyChallengeAnswer(
  challenge: Challenge | undefined,
  answer: { identity: string; signature: string; relayHost: string },
  relay: { key: Uint8Array; hosts: ReadonlySet<string> },
  now: number,
): void {
  const { identity, signature, relayHost } = answer;
  if (!challenge) throw new ParleyError('AUTH_FAILED', 'no challenge is outstanding; answer the latest one');
  if (now > challenge.expiresAt) throw new ParleyError('CHALLENGE_EXPIRED', 'the challenge expired');
  // The schema has checked both are canonical base64url of the right length.
  const identityKey = fromBase64Url(identity);
  // The answer must name this relay (v2): one that passed our challenge on got a signature naming itself.
  if (!relay.hosts.has(relayHost)) {
    throw new ParleyError('AUTH_FAILED', `this relay is not ${relayHost}: sign for the relay you dialled`);
  }
  const message = authChallengeMessage(challenge.nonce, identityKey, relay.key, relayHost);
  if (!verifyEd25519(identityKey, message, fromBase64Url(signature))) {
    throw new ParleyError('AUTH_FAILED', 'the signature does not verify for this identity');
  }
}
