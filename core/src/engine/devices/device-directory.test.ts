import { describe, expect, it } from 'vitest';
import { generateIdentity, identityString, signDeviceList, tweetnaclBackend } from '../../crypto/index.js';
import { openClientDatabase } from '../../storage/index.js';
import { createSecretboxKeyWrapper } from '../../storage/key-wrapper.js';
import { freshIndexedDb } from '../../storage/testing/fake-indexeddb.js';
import type { RelayConnection } from '../relay/relay-connection.js';
import type { DeviceChange } from './device-lines.js';
import { DeviceDirectory } from './device-directory.js';

/** This device as a primary: its account is its own key. */
function primary(): { self: { name: string; deviceId: number }; selfKey: Uint8Array } {
  const { identityKey } = generateIdentity();
  return { self: { name: identityString(identityKey), deviceId: 1 }, selfKey: identityKey };
}

async function setup() {
  const db = await openClientDatabase({
    indexedDB: freshIndexedDb(),
    name: 'directory',
    keyWrapper: createSecretboxKeyWrapper(new Uint8Array(32).fill(3)),
  });
  const changes: DeviceChange[] = [];
  const directory = new DeviceDirectory(
    {
      db,
      backend: tweetnaclBackend,
      ...primary(),
      now: () => 1_000,
      relayFor: () => ({ ready: false }) as RelayConnection,
      changed: async (change) => void changes.push(change),
      report: (error) => {
        throw error;
      },
    },
    60_000,
  );
  return { db, directory, changes };
}

describe('the device directory', () => {
  it('refuses a rolled-back list (bringing an unlinked device back) and keeps the newer one', async () => {
    const { db, directory, changes } = await setup();
    const bob = generateIdentity();
    const laptop = generateIdentity();
    const account = identityString(bob.identityKey);
    const primary = { deviceId: 1, identityKey: bob.identityKey, addedAt: 1 };
    const withLaptop = signDeviceList(bob, 1, [
      primary,
      { deviceId: 2, identityKey: laptop.identityKey, addedAt: 2 },
    ]);
    const without = signDeviceList(bob, 2, [primary]);
    await directory.accept(account, withLaptop.signed);
    expect(changes.at(-1)).toMatchObject({ added: [2], removed: [] });
    expect(await db.identities.listedDeviceKey(account, 2)).toEqual(laptop.identityKey);
    await directory.accept(account, without.signed);
    expect(changes.at(-1)).toMatchObject({ added: [], removed: [2] });

    // The relay replays the old list: refused, and the laptop stays unlisted (so its sessions fail).
    await expect(directory.accept(account, withLaptop.signed)).rejects.toMatchObject({
      code: 'UNTRUSTED_IDENTITY',
    });
    expect(directory.deviceIds(account)).toEqual([1]);
    expect(await db.identities.listedDeviceKey(account, 2)).toBeUndefined();
    await expect(
      directory.ensureListed({ name: account, deviceId: 2 }, laptop.identityKey),
    ).rejects.toMatchObject({
      code: 'UNTRUSTED_IDENTITY',
    });
    // A different list under the same counter (a fork) is refused too.
    const fork = signDeviceList(bob, 2, [
      primary,
      { deviceId: 3, identityKey: laptop.identityKey, addedAt: 3 },
    ]);
    await expect(directory.accept(account, fork.signed)).rejects.toMatchObject({
      code: 'UNTRUSTED_IDENTITY',
    });
    db.close();
  });

  it("refuses another account's validly signed list, and a list altered on disk is not loaded", async () => {
    const { db, directory } = await setup();
    const bob = generateIdentity();
    const mallory = generateIdentity();
    const malloryList = signDeviceList(mallory, 5, [
      { deviceId: 1, identityKey: mallory.identityKey, addedAt: 1 },
    ]);
    await expect(directory.accept(identityString(bob.identityKey), malloryList.signed)).rejects.toMatchObject(
      {
        code: 'UNTRUSTED_IDENTITY',
      },
    );
    await db.deviceLists.put(identityString(bob.identityKey), malloryList.signed, {});
    const reported: unknown[] = [];
    const reloaded = new DeviceDirectory(
      {
        db,
        backend: tweetnaclBackend,
        self: { name: 'x', deviceId: 1 },
        selfKey: new Uint8Array(32),
        now: () => 0,
        relayFor: () => ({ ready: false }) as RelayConnection,
        changed: async () => undefined,
        report: (error) => void reported.push(error),
      },
      0,
    );
    await reloaded.load();
    expect(reloaded.list(identityString(bob.identityKey))).toBeUndefined();
    expect(reported).toHaveLength(1);
    db.close();
  });
});
