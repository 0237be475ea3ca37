import { ParleyError } from '../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { OneTimePreKeyPair, SignedPreKeyPair } from '../../crypto/index.js';

/*
 * JSON forms of the crypto layer's prekey pairs (it serialises sessions and identities itself, prekeys not yet),
 * with byte strings as base64url like the rest of Parley's records.
 */

interface SerializedSignedPreKey {
  version: 1;
  keyId: number;
  publicKey: string;
  secretKey: string;
  signature: string;
  createdAt: number;
}

interface SerializedOneTimePreKey {
  version: 1;
  keyId: number;
  publicKey: string;
  secretKey: string;
}

export function serializeSignedPreKey(key: SignedPreKeyPair): string {
  const data: SerializedSignedPreKey = {
    version: 1,
    keyId: key.keyId,
    publicKey: toBase64Url(key.keyPair.publicKey),
    secretKey: toBase64Url(key.keyPair.secretKey),
    signature: toBase64Url(key.signature),
    createdAt: key.createdAt,
  };
  return JSON.stringify(data);
}

export function deserializeSignedPreKey(text: string): SignedPreKeyPair {
  const data = parseVersioned<SerializedSignedPreKey>(text);
  return {
    keyId: data.keyId,
    keyPair: { publicKey: fromBase64Url(data.publicKey), secretKey: fromBase64Url(data.secretKey) },
    signature: fromBase64Url(data.signature),
    createdAt: data.createdAt,
  };
}

export function serializeOneTimePreKey(key: OneTimePreKeyPair): string {
  const data: SerializedOneTimePreKey = {
    version: 1,
    keyId: key.keyId,
    publicKey: toBase64Url(key.keyPair.publicKey),
    secretKey: toBase64Url(key.keyPair.secretKey),
  };
  return JSON.stringify(data);
}

export function deserializeOneTimePreKey(text: string): OneTimePreKeyPair {
  const data = parseVersioned<SerializedOneTimePreKey>(text);
  return {
    keyId: data.keyId,
    keyPair: { publicKey: fromBase64Url(data.publicKey), secretKey: fromBase64Url(data.secretKey) },
  };
}

function parseVersioned<T extends { version: number }>(text: string): T {
  let data: T;
  try {
    data = JSON.parse(text) as T;
  } catch (cause) {
    throw new ParleyError('INVALID_KEY', 'stored prekey is not JSON', { cause });
  }
  if (data.version !== 1)
    throw new ParleyError('INVALID_KEY', `unknown prekey record version ${String(data.version)}`);
  return data;
}
