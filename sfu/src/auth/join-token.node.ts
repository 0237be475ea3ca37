import { checkSfuToken, ParleyError, verifySignature, type SfuTokenBody } from '@parley/core';
import { nodeNativeBackend } from '@parley/core/crypto/native';

/**
 * Checks a join token against the relay's public key: the SFU needs nothing else from the relay. Strict
 * Ed25519 (core's canonical-encoding rules in front of OpenSSL), as the relay itself verifies.
 */
export function createTokenVerifier(
  relayPublicKey: Uint8Array,
): (token: string, now: number) => SfuTokenBody {
  if (relayPublicKey.length !== 32) throw new RangeError('the relay public key must be 32 bytes');
  return (token, now) => {
    const check = checkSfuToken(
      token,
      (message, signature) => verifySignature(nodeNativeBackend, message, signature, relayPublicKey),
      now,
    );
    if (!check.ok) throw new ParleyError('AUTH_FAILED', check.reason);
    return check.body;
  };
}
