import { nextCounter, signDeviceList, verifyDeviceList } from '../../../crypto/devices/index.js';
import type { VerifiedDeviceList } from '../../../crypto/devices/index.js';
import type { CryptoBackend } from '../../../crypto/backend/backend.js';
import { equalBytes } from '../../../crypto/bytes.js';
import type { IdentityKeyPair } from '../../../crypto/index.js';
import { ParleyError, isParleyError } from '../../../errors/index.js';
import { PRIMARY_DEVICE_ID, type SignedDeviceList } from '../../../protocol/devices.js';
import { toBase64Url } from '../../../protocol/encoding.js';
import type { DeviceListEntry } from '../../../protocol/signed-messages.js';
import type { EngineStateStore } from '../../shared/state-store.js';

/**
 * What linking needs from the account's device list: add a device key and say under which id. This is the
 * seam to the engine's device-list service (`client.devices`, issue 15's fan-out work); until that is
 * wired in, `publishingDeviceList` below signs and publishes directly.
 */
export interface DeviceListPort {
  /** Signs and publishes the account's next list with `identityKey` added (kept if listed already). */
  add(identityKey: Uint8Array): Promise<{ deviceId: number; list: SignedDeviceList }>;
}

/** The newest list this device signed, in engine state, so a counter never goes back. */
const OWN_LIST_KEY = 'device-link:own-list';

export interface DeviceListRelay {
  fetch(account: string): Promise<SignedDeviceList | undefined>;
  publish(list: SignedDeviceList): Promise<void>;
}

/**
 * The primary's own list keeping: the newest of what it signed before and what the relay holds, plus the new
 * device under the next free id, signed with a counter above both.
 */
export function publishingDeviceList(
  identity: IdentityKeyPair,
  deviceId: number,
  backend: CryptoBackend,
  state: EngineStateStore,
  relay: DeviceListRelay,
  now: () => number,
): DeviceListPort {
  return {
    async add(identityKey) {
      if (deviceId !== PRIMARY_DEVICE_ID) {
        throw new ParleyError('BAD_REQUEST', 'only the primary device signs the device list');
      }
      let kept: VerifiedDeviceList | undefined;
      const stored = await state.get(OWN_LIST_KEY);
      if (stored !== undefined) kept = verifyDeviceList(backend, stored, identity.identityKey);
      const fetched = await relay.fetch(toBase64Url(identity.identityKey)).catch((error: unknown) => {
        if (isParleyError(error, 'NOT_FOUND')) return undefined;
        throw error;
      });
      if (fetched !== undefined) {
        const verified = verifyDeviceList(backend, fetched, identity.identityKey);
        if (kept === undefined || verified.counter > kept.counter) kept = verified;
      }
      const current: readonly DeviceListEntry[] = kept?.devices ?? [
        { deviceId: PRIMARY_DEVICE_ID, identityKey: identity.identityKey, addedAt: now() },
      ];
      const listed = current.find((device) => equalBytes(device.identityKey, identityKey));
      if (listed !== undefined && kept !== undefined) return { deviceId: listed.deviceId, list: kept.signed };
      const newId = Math.max(...current.map((device) => device.deviceId)) + 1;
      const next = signDeviceList(identity, nextCounter(kept), [
        ...current,
        { deviceId: newId, identityKey, addedAt: now() },
      ]);
      await relay.publish(next.signed);
      await state.put(OWN_LIST_KEY, next.signed);
      return { deviceId: newId, list: next.signed };
    },
  };
}
