import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../errors/index.js';
import type { SignedDeviceList } from '../../protocol/devices.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import { deviceListMessage, type DeviceListEntry } from '../../protocol/signed-messages.js';
import { tweetnaclBackend } from '../backend/tweetnacl.js';
import { generateIdentity } from '../identity/identity.js';
import { makeParty } from '../testing/parties.js';
import { signDeviceList, verifyDeviceList } from './device-list.js';
import {
  acceptDeviceList,
  nextCounter,
  UNSEEN_DEVICE_DROP_MS,
  unseenDevices,
  verifyDeviceBundle,
} from './rules.js';

const backend = tweetnaclBackend;
const DAY = 24 * 60 * 60 * 1000;

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    throw error;
  }
  return undefined;
}

/** An account (primary = Alice's existing identity) with one linked laptop. */
function account() {
  const primary = makeParty();
  const laptop = makeParty({ deviceId: 2 });
  const list = signDeviceList(primary.identity, 1, [
    { deviceId: 1, identityKey: primary.identity.identityKey, addedAt: 0 },
    { deviceId: 2, identityKey: laptop.identity.identityKey, addedAt: 1000 },
  ]);
  return { primary, laptop, list };
}

const primaryOnly = (list: { devices: readonly DeviceListEntry[] }) =>
  list.devices.filter((device) => device.deviceId === 1);

/** Re-signs a hand-made wire list with `signer`, so only the rule under test is broken. */
function resign(list: Omit<SignedDeviceList, 'signature'>, signer = generateIdentity()): SignedDeviceList {
  const message = deviceListMessage(
    fromBase64Url(list.account),
    list.counter,
    list.devices.map((d) => ({ ...d, identityKey: fromBase64Url(d.identityKey) })),
  );
  return { ...list, signature: toBase64Url(nacl.sign.detached(message, signer.signingSecretKey)) };
}

describe('signed device list', () => {
  it('round-trips: what the primary signs verifies for its account, devices in id order', () => {
    const { primary, laptop, list } = account();
    const verified = verifyDeviceList(
      backend,
      JSON.parse(JSON.stringify(list.signed)),
      primary.identity.identityKey,
    );
    expect(verified.counter).toBe(1);
    expect(verified.devices.map((d) => d.deviceId)).toEqual([1, 2]);
    expect(verified.devices[1]?.identityKey).toEqual(laptop.identity.identityKey);
  });

  it('refuses a list signed by another key than the account it names', () => {
    const { primary, list } = account();
    const { signature: _signature, ...body } = list.signed;
    const forged = resign(body, generateIdentity());
    expect(code(() => verifyDeviceList(backend, forged, primary.identity.identityKey))).toBe(
      'INVALID_SIGNATURE',
    );
  });

  it("refuses another account's valid list served for this account", () => {
    const { primary } = account();
    const mallory = account();
    expect(code(() => verifyDeviceList(backend, mallory.list.signed, primary.identity.identityKey))).toBe(
      'UNTRUSTED_IDENTITY',
    );
  });

  it('refuses a list with a device added or a key changed after signing', () => {
    const { primary, list } = account();
    const added = {
      ...list.signed,
      devices: [
        ...list.signed.devices,
        { deviceId: 3, identityKey: toBase64Url(generateIdentity().identityKey), addedAt: 5 },
      ],
    };
    expect(code(() => verifyDeviceList(backend, added, primary.identity.identityKey))).toBe(
      'INVALID_SIGNATURE',
    );
    const swapped = {
      ...list.signed,
      devices: list.signed.devices.map((d) =>
        d.deviceId === 2 ? { ...d, identityKey: toBase64Url(generateIdentity().identityKey) } : d,
      ),
    };
    expect(code(() => verifyDeviceList(backend, swapped, primary.identity.identityKey))).toBe(
      'INVALID_SIGNATURE',
    );
  });

  it('refuses a list over the device limit, even signed by the account key', () => {
    const primary = generateIdentity();
    const devices = [{ deviceId: 1, identityKey: primary.identityKey, addedAt: 0 }];
    for (let id = 2; id <= 7; id++)
      devices.push({ deviceId: id, identityKey: generateIdentity().identityKey, addedAt: id });
    expect(code(() => signDeviceList(primary, 1, devices))).toBe('BAD_REQUEST');
    const wire = resign(
      {
        version: 1,
        account: toBase64Url(primary.identityKey),
        counter: 1,
        devices: devices.map((d) => ({ ...d, identityKey: toBase64Url(d.identityKey) })),
      },
      primary,
    );
    expect(code(() => verifyDeviceList(backend, wire, primary.identityKey))).toBe('BAD_REQUEST');
    // Six (the primary and five linked devices) is allowed.
    expect(signDeviceList(primary, 1, devices.slice(0, 6)).devices).toHaveLength(6);
  });

  it('refuses lists without the primary under the account key, with repeated or unordered ids, or repeated keys', () => {
    const primary = generateIdentity();
    const other = generateIdentity().identityKey;
    const wire = (devices: { deviceId: number; identityKey: Uint8Array }[]) =>
      resign(
        {
          version: 1,
          account: toBase64Url(primary.identityKey),
          counter: 1,
          devices: devices.map((d) => ({
            deviceId: d.deviceId,
            identityKey: toBase64Url(d.identityKey),
            addedAt: 0,
          })),
        },
        primary,
      );
    const me = primary.identityKey;
    const refused: Array<{ deviceId: number; identityKey: Uint8Array }[]> = [
      [{ deviceId: 2, identityKey: me }], // no device 1
      [{ deviceId: 1, identityKey: other }], // device 1 is not the account key
      [
        { deviceId: 1, identityKey: me },
        { deviceId: 2, identityKey: other },
        { deviceId: 2, identityKey: generateIdentity().identityKey },
      ],
      [
        { deviceId: 1, identityKey: me },
        { deviceId: 3, identityKey: other },
        { deviceId: 2, identityKey: generateIdentity().identityKey },
      ],
      [
        { deviceId: 1, identityKey: me },
        { deviceId: 2, identityKey: other },
        { deviceId: 3, identityKey: other },
      ],
    ];
    for (const devices of refused) {
      expect(code(() => verifyDeviceList(backend, wire(devices)))).toBe('BAD_REQUEST');
    }
    expect(
      code(() =>
        verifyDeviceList(backend, { ...wire([{ deviceId: 1, identityKey: primary.identityKey }]), extra: 1 }),
      ),
    ).toBe('BAD_REQUEST');
  });
});

describe('device list rollback', () => {
  it('refuses an old list a relay serves after the laptop was unlinked, and keeps the newer one', () => {
    const { primary, list } = account();
    const unlinked = signDeviceList(primary.identity, nextCounter(list), primaryOnly(list));
    const kept = acceptDeviceList(list, unlinked);
    expect(kept.counter).toBe(2);
    const replayed = verifyDeviceList(backend, list.signed, primary.identity.identityKey);
    expect(code(() => acceptDeviceList(kept, replayed))).toBe('UNTRUSTED_IDENTITY');
  });

  it('refuses two different lists under one counter, and accepts the same list again', () => {
    const { primary, list } = account();
    expect(acceptDeviceList(list, verifyDeviceList(backend, list.signed))).toBe(list);
    const other = signDeviceList(primary.identity, 1, primaryOnly(list));
    expect(code(() => acceptDeviceList(list, other))).toBe('UNTRUSTED_IDENTITY');
  });

  it('leaves out of the next list linked devices unseen for 30 days, never the primary', () => {
    const { list } = account();
    const now = 100 * DAY;
    expect(unseenDevices(list, new Map([[2, now - 29 * DAY]]), now)).toEqual([]);
    expect(
      unseenDevices(list, new Map([[2, now - UNSEEN_DEVICE_DROP_MS - 1]]), now).map((d) => d.deviceId),
    ).toEqual([2]);
    expect(unseenDevices(list, new Map(), now).map((d) => d.deviceId)).toEqual([2]);
  });
});

describe('bundles of an account with linked devices', () => {
  it("accepts the primary's bundle under the account key with no list, as a one-device contact today", () => {
    const { primary } = account();
    const verified = verifyDeviceBundle(backend, {
      accountKey: primary.identity.identityKey,
      deviceId: 1,
      bundle: primary.fetchBundle(),
    });
    expect(verified.identity.identityKey).toEqual(primary.identity.identityKey);
  });

  it("accepts a linked device's bundle whose key the account's list names under that id", () => {
    const { primary, laptop, list } = account();
    const verified = verifyDeviceBundle(backend, {
      accountKey: primary.identity.identityKey,
      deviceId: 2,
      bundle: laptop.fetchBundle(),
      list,
    });
    expect(verified.identity.identityKey).toEqual(laptop.identity.identityKey);
  });

  it("refuses a relay's bundle for a device whose key the list does not name (Mallory's own device)", () => {
    const { primary, list } = account();
    const mallory = makeParty({ deviceId: 2 });
    const input = {
      accountKey: primary.identity.identityKey,
      deviceId: 2,
      bundle: mallory.fetchBundle(),
      list,
    };
    expect(code(() => verifyDeviceBundle(backend, input))).toBe('UNTRUSTED_IDENTITY');
    expect(code(() => verifyDeviceBundle(backend, { ...input, deviceId: 3 }))).toBe('UNTRUSTED_IDENTITY');
  });

  it('refuses a linked device bundle with no list, a list of another account, or under another id', () => {
    const { primary, laptop, list } = account();
    const other = account();
    const base = { accountKey: primary.identity.identityKey, deviceId: 2, bundle: laptop.fetchBundle() };
    expect(code(() => verifyDeviceBundle(backend, base))).toBe('UNTRUSTED_IDENTITY');
    expect(code(() => verifyDeviceBundle(backend, { ...base, list: other.list }))).toBe('UNTRUSTED_IDENTITY');
    expect(code(() => verifyDeviceBundle(backend, { ...base, deviceId: 1, list }))).toBe(
      'UNTRUSTED_IDENTITY',
    );
  });
});
