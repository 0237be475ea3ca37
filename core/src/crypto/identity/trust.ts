import { ParleyError } from '../../errors/index.js';
import { equalBytes } from '../bytes.js';
import { PRIMARY_DEVICE_ID } from '../../protocol/devices.js';
import type { IdentityStore, ProtocolAddress } from '../stores.js';
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

/**
 * Linked devices (docs/crypto.md "Linked devices"): device 1's key must be the account key, as above; any
 * other device's key must be the one the account's verified signed device list names under that device id
 * (UNTRUSTED_IDENTITY otherwise: a device the relay made up, one moved to another id, or one the account
 * removed). Trust and verification stay on the account key, so a listed device reports the account's outcome.
 */
export async function requireDeviceKey(
  store: IdentityStore,
  address: ProtocolAddress,
  identityKey: Uint8Array,
): Promise<void> {
  if (address.deviceId === PRIMARY_DEVICE_ID) {
    requireAccountKey(address.name, identityKey);
    return;
  }
  const listed = await store.listedDeviceKey?.(address.name, address.deviceId);
  if (listed === undefined || !equalBytes(listed, identityKey)) {
    throw new ParleyError(
      'UNTRUSTED_IDENTITY',
      `device ${address.deviceId} of ${address.name.slice(0, 12)}… is not in its signed device list under this key`,
    );
  }
}

/** {@link checkTrust} for one device of an account: its key must be the account's or listed by it. */
export async function checkDeviceTrust(
  store: IdentityStore,
  address: ProtocolAddress,
  identityKey: Uint8Array,
  now: number,
): Promise<TrustOutcome> {
  await requireDeviceKey(store, address, identityKey);
  if (address.deviceId === PRIMARY_DEVICE_ID) return checkTrust(store, address.name, identityKey, now);
  return checkTrust(store, address.name, parseIdentityString(address.name), now);
}
