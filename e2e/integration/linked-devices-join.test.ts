import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LinkEvents, LinkJoin } from '@parley/core';
import { next, scenario, startAll, until } from './support/harness.js';

// Opens WebRTC (the linking channel): run inside `unshare -rn sh -c 'ip link set lo up && npx vitest run …'`.

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

function linked(join: LinkJoin): Promise<LinkEvents['linked']> {
  return new Promise((resolve) => {
    const off = join.on('linked', (payload: LinkEvents['linked']) => {
      off();
      resolve(payload);
    });
  });
}

describe('linked devices: the linking flow into the multi-device engine', () => {
  it('makes a device joined through client.linking a device of the account on its next start', async () => {
    const alice = s.device('alice', { tuning: { deviceListTtlMs: 0 } });
    const bob = s.device('bob', { direct: false, tuning: { deviceListTtlMs: 0 } });
    await startAll(alice, bob);
    const laptop = s.device('alice-laptop', { tuning: { deviceListTtlMs: 0 } });
    await laptop.start();
    await until(() => laptop.c.connected, 'the laptop to connect');
    const offer = alice.c.linking.offer();
    const join = await laptop.c.linking.join(offer.text);
    const joined = linked(join);
    // The person confirms once both screens show the short code (the host's may come after join() resolves).
    await until(() => offer.phase === 'comparing' && join.shortCode !== undefined, 'the short codes');
    expect(await offer.confirm()).toBe(2);
    await joined;
    // The host's fan-out knows the new device at once: linking went through client.devices.
    expect((await alice.c.devices.list()).map((d) => d.deviceId)).toEqual([1, 2]);

    await laptop.stop();
    await laptop.start();
    expect(laptop.c.account).toBe(alice.c.account);
    expect(laptop.c.address.deviceId).toBe(2);
    await until(() => laptop.c.connected, 'the laptop to reconnect');
    const onLaptop = next(laptop.c, 'message', (e) => e.message.text === 'to the new laptop');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'to the new laptop');
    expect((await onLaptop).message.sender.name).toBe(bob.c.account);
  });
});
