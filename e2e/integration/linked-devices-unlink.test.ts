import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeClear, toBase64Url } from '@parley/core';
import { collect, next, scenario, type TestDevice } from './support/harness.js';
import { aliceWithLaptopAndBob } from './support/linked-devices.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

/** `from` sends `to` (a device identity key) a clear device-link frame on its own relay socket. */
async function sendLinkFrame(from: TestDevice, to: string, frame: Uint8Array): Promise<boolean> {
  const socket = from.sockets.get(from.c.contacts.relayOf(from.c.account));
  if (socket === undefined) throw new Error(`${from.name} has no relay socket`);
  const ack = await new Promise<{ ok: boolean; delivered?: boolean }>((resolve) =>
    socket.emit(
      'signal',
      { to, linkId: 'forged-unlink-hint', kind: 'device-link', data: { sealed: toBase64Url(frame) } },
      resolve,
    ),
  );
  return ack.ok && ack.delivered === true;
}

async function laptopKey(alice: TestDevice): Promise<string> {
  const listed = (await alice.c.devices.list()).find((device) => device.deviceId === 2);
  if (listed === undefined) throw new Error('the laptop is not listed');
  return listed.identityKey;
}

describe('linked devices: unlinking', () => {
  it('tells a connected device at once that it was unlinked, while it sends nothing', async () => {
    const { alice, laptop } = await aliceWithLaptopAndBob(s.device);
    const out = next(laptop.c, 'devices', (e) => e.account === alice.c.account && e.removed.includes(2));
    await alice.c.devices.remove(2);
    await out;
    expect((await laptop.c.devices.list()).some((device) => device.current)).toBe(false);
  });

  it("does not unlink a device on an 'unlinked' hint from anyone but its account", async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    const changes = collect(laptop.c, 'devices');
    // Bob, a contact, forges the primary's hint on the relay: it reaches the laptop.
    expect(await sendLinkFrame(bob, await laptopKey(alice), encodeClear({ t: 'unlinked' }))).toBe(true);
    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'still linked?');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'still linked?');
    await onLaptop;
    expect(changes.filter((change) => change.removed.length > 0)).toEqual([]);
    expect((await laptop.c.devices.list()).some((device) => device.current)).toBe(true);
  });
});
