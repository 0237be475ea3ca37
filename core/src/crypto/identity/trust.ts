import { ParleyError } from '../../errors/index.js';
import { equalBytes } from '../bytes.js';
import type { IdentityStore } from '../stores.js';

export type TrustOutcome = 'new' | 'same' | 'changed';

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
  await store.saveTrusted(name, { identityKey, verified: false, firstSeen: now });
}
