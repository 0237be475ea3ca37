import { ParleyError } from '../../errors/index.js';
import { PRIMARY_DEVICE_ID } from '../../protocol/devices.js';
import type { FetchedBundle } from '../../protocol/directory.js';
import type { DeviceListEntry } from '../../protocol/signed-messages.js';
import type { CryptoBackend } from '../backend/backend.js';
import { equalBytes } from '../bytes.js';
import { verifyFetchedBundle, type VerifiedBundle } from '../x3dh/prekeys.js';
import type { VerifiedDeviceList } from './device-list.js';

/** A linked device the account has not been seen on for this long is dropped from its next list. */
export const UNSEEN_DEVICE_DROP_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The list to keep for an account, given the one already kept (if any) and a newly verified one. A lower
 * counter is a rollback (a relay serving an old list to bring back an unlinked device) and a different list
 * under the same counter is equivocation: both are refused with UNTRUSTED_IDENTITY and the kept list stays.
 */
export function acceptDeviceList(
  kept: VerifiedDeviceList | undefined,
  fetched: VerifiedDeviceList,
): VerifiedDeviceList {
  if (!kept) return fetched;
  if (!equalBytes(kept.accountKey, fetched.accountKey)) {
    throw new ParleyError('UNTRUSTED_IDENTITY', 'device list: signed for another account');
  }
  if (fetched.counter < kept.counter) {
    throw new ParleyError(
      'UNTRUSTED_IDENTITY',
      `device list rollback: counter ${fetched.counter} is below ${kept.counter}, already seen`,
    );
  }
  if (fetched.counter === kept.counter) {
    if (fetched.signed.signature !== kept.signed.signature) {
      throw new ParleyError('UNTRUSTED_IDENTITY', 'device list: two different lists under one counter');
    }
    return kept;
  }
  return fetched;
}

/** The counter of the next list the primary signs: above everything it has published or seen. */
export function nextCounter(kept: VerifiedDeviceList | undefined): number {
  return (kept?.counter ?? 0) + 1;
}

/** Linked devices (never the primary) that nobody has seen for UNSEEN_DEVICE_DROP_MS: left out of the next list. */
export function unseenDevices(
  list: VerifiedDeviceList,
  lastSeen: ReadonlyMap<number, number>,
  now: number,
): DeviceListEntry[] {
  return list.devices.filter((device) => {
    if (device.deviceId === PRIMARY_DEVICE_ID) return false;
    const seen = Math.max(lastSeen.get(device.deviceId) ?? 0, device.addedAt);
    return now - seen > UNSEEN_DEVICE_DROP_MS;
  });
}

/**
 * Verifies a bundle fetched for (account, deviceId). The primary's bundle must carry the account key itself
 * (issue 9's rule, unchanged: a contact with one device needs no list). Any other device's bundle must carry
 * the identity key listed under that device id in the account's verified list: a relay cannot add a device
 * of its own, nor move a listed key to another id.
 */
export function verifyDeviceBundle(
  backend: CryptoBackend,
  input: {
    accountKey: Uint8Array;
    deviceId: number;
    bundle: FetchedBundle;
    list?: VerifiedDeviceList | undefined;
  },
): VerifiedBundle {
  const verified = verifyFetchedBundle(backend, input.bundle);
  const key = verified.identity.identityKey;
  if (input.deviceId === PRIMARY_DEVICE_ID) {
    if (!equalBytes(key, input.accountKey)) {
      throw new ParleyError('UNTRUSTED_IDENTITY', 'primary device bundle is not under the account key');
    }
    return verified;
  }
  const list = input.list;
  if (!list || !equalBytes(list.accountKey, input.accountKey)) {
    throw new ParleyError(
      'UNTRUSTED_IDENTITY',
      `no verified device list of this account for device ${input.deviceId}`,
    );
  }
  const listed = list.devices.find((device) => device.deviceId === input.deviceId);
  if (!listed || !equalBytes(listed.identityKey, key)) {
    throw new ParleyError(
      'UNTRUSTED_IDENTITY',
      `device ${input.deviceId} is not in the account's device list under this key`,
    );
  }
  return verified;
}
