import { ParleyError } from '../../errors/index.js';
import { equalBytes } from '../bytes.js';
import type { IdentityStore } from '../stores.js';
import { parseIdentityString } from './identity.js';

export type TrustOutcome = 'new' | 'same' | 'changed';

/**
 * An account name is the identity string of its identity key, so the name alone says which key belongs to
 * it: a bundle a relay hands out for Bob, or a key stored as Bob's, must be that key. (With linked devices
 * this becomes "signed by the account key".) UNTRUSTED_IDENTITY otherwise, before anything is stored.
 */
export function requireAccountKey(name: string, identityKey: Uint8Array): void {
  let expected: Uint8Array;
  try {
    expected = parseIdentityString(name);
  } catch (cause) {
    throw new ParleyError('UNTRUSTED_IDENTITY', `${name.slice(0, 12)}… is not an account name`, { cause });
  }
  if (!equalBytes(expected, identityKey))
    throw new ParleyError('UNTRUSTED_IDENTITY', `that identity key is not the key of ${name}`);
}

/**
 * Trust on first use, with verification on top: a new key is remembered, an unverified key that changes is
 * accepted and reported as 'changed' (the UI warns), and a verified key that changes is refused with
 * UNTRUSTED_IDENTITY until the user verifies the new one or calls `acceptIdentity`.
 */
export async function checkTrust(
  store: IdentityStore,
  name: string,
  identityKey: Uint8Array,
  now: number,
): Promise<TrustOutcome> {
  requireAccountKey(name, identityKey);
  const known = await store.getTrusted(name);
  if (!known) {
    await store.saveTrusted(name, { identityKey, verified: false, firstSeen: now });
    return 'new';
  }
  if (equalBytes(known.identityKey, identityKey)) return 'same';
  if (known.verified) {
    throw new ParleyError('UNTRUSTED_IDENTITY', `the verified identity key of ${name} has changed`);
  }
  await store.saveTrusted(name, { identityKey, verified: false, firstSeen: now });
  return 'changed';
}

/** The user compared safety numbers and they matched. */
export async function markVerified(
  store: IdentityStore,
  name: string,
  identityKey: Uint8Array,
  now: number,
): Promise<void> {
  requireAccountKey(name, identityKey);
  const known = await store.getTrusted(name);
  await store.saveTrusted(name, { identityKey, verified: true, firstSeen: known?.firstSeen ?? now });
}

/** The user accepts a changed key without verifying it: it is trusted, but no longer marked verified. */
export async function acceptIdentity(
  store: IdentityStore,
  name: string,
  identityKey: Uint8Array,
  now: number,
): Promise<void> {
  requireAccountKey(name, identityKey);
  await store.saveTrusted(name, { identityKey, verified: false, firstSeen: now });
}
