import { generateIdentity, identityString, type IdentityKeyPair } from '../identity/identity.js';
import type { CryptoOptions } from '../options.js';
import type { FetchedBundle } from '../../protocol/directory.js';
import { SessionCipher, type SessionCipherOptions } from '../session/session-cipher.js';
import {
  InMemoryIdentityStore,
  InMemoryPreKeyStore,
  InMemorySessionStore,
  type ProtocolAddress,
} from '../stores.js';
import { buildPreKeyBundle, generateOneTimePreKeys, generateSignedPreKey } from '../x3dh/prekeys.js';

/** A test device with in-memory stores, a published bundle and a cipher. */
export interface Party {
  identity: IdentityKeyPair;
  address: ProtocolAddress;
  sessions: InMemorySessionStore;
  identities: InMemoryIdentityStore;
  preKeys: InMemoryPreKeyStore;
  cipher: SessionCipher;
  /** What the relay would hand out: takes one one-time prekey each call while any are left. */
  fetchBundle(): FetchedBundle;
}

export function makeParty(
  options: SessionCipherOptions & { oneTimePreKeys?: number; deviceId?: number } = {},
): Party {
  const cryptoOptions: CryptoOptions = options;
  const identity = generateIdentity(cryptoOptions);
  const signed = generateSignedPreKey(identity, 1, cryptoOptions);
  const oneTime = generateOneTimePreKeys(100, options.oneTimePreKeys ?? 2, cryptoOptions);
  const preKeys = new InMemoryPreKeyStore([signed], oneTime);
  const sessions = new InMemorySessionStore();
  const identities = new InMemoryIdentityStore(identity);
  const bundle = buildPreKeyBundle(identity, signed, oneTime);
  const remaining = [...bundle.oneTimePreKeys];
  return {
    identity,
    address: { name: identityString(identity.identityKey), deviceId: options.deviceId ?? 1 },
    sessions,
    identities,
    preKeys,
    cipher: new SessionCipher({ sessions, identities, preKeys }, options),
    fetchBundle() {
      const { oneTimePreKeys: _all, ...rest } = bundle;
      const next = remaining.shift();
      return next ? { ...rest, oneTimePreKey: next } : rest;
    },
  };
}

export const text = (value: string) => new TextEncoder().encode(value);
export const read = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
