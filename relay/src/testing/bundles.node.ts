import nacl from 'tweetnacl';
import { identityDhMessage, signedPreKeyMessage, toBase64Url, type PreKeyBundle } from '@parley/core';

/** A correctly signed prekey bundle for `owner` with `oneTime` one-time prekeys numbered from `firstKeyId`. */
export function bundleFor(owner: { keys: nacl.SignKeyPair }, oneTime: number, firstKeyId = 1): PreKeyBundle {
  const dh = nacl.randomBytes(32);
  const spk = nacl.randomBytes(32);
  const secretKey = owner.keys.secretKey;
  return {
    identityKey: toBase64Url(owner.keys.publicKey),
    identityDhKey: toBase64Url(dh),
    identityDhSignature: toBase64Url(nacl.sign.detached(identityDhMessage(dh), secretKey)),
    signedPreKey: {
      keyId: 7,
      publicKey: toBase64Url(spk),
      signature: toBase64Url(nacl.sign.detached(signedPreKeyMessage(7, spk), secretKey)),
    },
    oneTimePreKeys: Array.from({ length: oneTime }, (_, i) => ({
      keyId: firstKeyId + i,
      publicKey: toBase64Url(nacl.randomBytes(32)),
    })),
  };
}
