import { afterEach, describe, expect, it } from 'vitest';
import { signDeviceList, verifyDeviceList, tweetnaclBackend } from '@parley/core';
import type nacl from 'tweetnacl';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

const signer = (keys: nacl.SignKeyPair) => ({
  identityKey: keys.publicKey,
  signingSecretKey: keys.secretKey,
});

/** The account's list at `counter`: the primary, then each linked device as ids 2, 3, … */
function listOf(primary: nacl.SignKeyPair, counter: number, linked: nacl.SignKeyPair[] = []) {
  const devices = [primary, ...linked].map((keys, index) => ({
    deviceId: index + 1,
    identityKey: keys.publicKey,
    addedAt: 1000 + index,
  }));
  return signDeviceList(signer(primary), counter, devices).signed;
}

describe('the device list directory', () => {
  it('serves the newest list an account published, which verifies for that account', async () => {
    relay = await startRealtimeRelay();
    const phone = await relay.connect();
    const laptop = await relay.connect();
    const alice = await relay.connect();
    await phone.ok('devices:publish', { list: listOf(phone.keys, 1) });
    expect(await phone.ok('devices:publish', { list: listOf(phone.keys, 2, [laptop.keys]) })).toMatchObject({
      counter: 2,
    });
    const { list } = await alice.ok('devices:fetch', { account: phone.identity });
    const verified = verifyDeviceList(tweetnaclBackend, list, phone.keys.publicKey);
    expect(verified.devices.map((device) => device.deviceId)).toEqual([1, 2]);
  });

  it('refuses to go back to an older list, so an unlinked laptop cannot be brought back through the relay', async () => {
    relay = await startRealtimeRelay();
    const phone = await relay.connect();
    const laptop = await relay.connect();
    const withLaptop = listOf(phone.keys, 1, [laptop.keys]);
    await phone.ok('devices:publish', { list: withLaptop });
    await phone.ok('devices:publish', { list: listOf(phone.keys, 2) });
    // The laptop, still named in the old list, tries to republish it.
    const replay = await laptop.request('devices:publish', { list: withLaptop });
    expect(replay).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const { list } = await phone.ok('devices:fetch', { account: phone.identity });
    expect(list.counter).toBe(2);
    expect(list.devices).toHaveLength(1);
  });

  it('refuses a list signed by a listed device instead of the account key, or published by a stranger', async () => {
    relay = await startRealtimeRelay();
    const phone = await relay.connect();
    const laptop = await relay.connect();
    const mallory = await relay.connect();
    const forged = { ...listOf(phone.keys, 5, [laptop.keys]) };
    forged.signature = listOf(laptop.keys, 5).signature;
    const refused = await laptop.request('devices:publish', { list: forged });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_SIGNATURE' } });
    const stranger = await mallory.request('devices:publish', { list: listOf(phone.keys, 1) });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'ACCESS_DENIED' } });
    const none = await mallory.request('devices:fetch', { account: phone.identity });
    expect(none).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
