import { describe, expect, it } from 'vitest';
import { generateIdentity, identityString, signDeviceList, tweetnaclBackend } from '../../crypto/index.js';
import { openClientDatabase } from '../../storage/index.js';
import { createSecretboxKeyWrapper } from '../../storage/key-wrapper.js';
import { freshIndexedDb } from '../../storage/testing/fake-indexeddb.js';
import { DeviceDirectory } from '../devices/device-directory.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import { groupChangeSignerKey } from './group-devices.js';

/** This device as a primary: its account is its own key. */
function primary(): { self: { name: string; deviceId: number }; selfKey: Uint8Array } {
  const { identityKey } = generateIdentity();
  return { self: { name: identityString(identityKey), deviceId: 1 }, selfKey: identityKey };
}

async function directory(): Promise<DeviceDirectory> {
  const db = await openClientDatabase({
    indexedDB: freshIndexedDb(),
    name: 'group-devices',
    keyWrapper: createSecretboxKeyWrapper(new Uint8Array(32).fill(5)),
  });
  return new DeviceDirectory(
    {
      db,
      backend: tweetnaclBackend,
      ...primary(),
      now: () => 1_000,
      relayFor: () => ({ ready: false }) as RelayConnection,
      changed: () => Promise.resolve(),
      report: (error) => {
        throw error;
      },
    },
    60_000,
  );
}

describe('who may sign a group change', () => {
  it('takes the account key for the primary, the listed key for a linked device, and refuses an unlisted device', async () => {
    const devices = await directory();
    const ann = generateIdentity();
    const laptop = generateIdentity();
    const account = identityString(ann.identityKey);
    const list = signDeviceList(ann, 1, [
      { deviceId: 1, identityKey: ann.identityKey, addedAt: 1 },
      { deviceId: 2, identityKey: laptop.identityKey, addedAt: 2 },
    ]);
    await devices.accept(account, list.signed);

    expect(groupChangeSignerKey(devices, { name: account, deviceId: 1 })).toBeUndefined();
    expect(groupChangeSignerKey(devices, { name: account, deviceId: 2 })).toEqual(laptop.identityKey);
    expect(() => groupChangeSignerKey(devices, { name: account, deviceId: 3 })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_IDENTITY' }),
    );
    const stranger = identityString(generateIdentity().identityKey);
    expect(() => groupChangeSignerKey(devices, { name: stranger, deviceId: 2 })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_IDENTITY' }),
    );
  });
});
