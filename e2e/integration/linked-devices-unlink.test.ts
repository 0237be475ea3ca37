import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeClear, parseIdentityString, toBase64Url } from '@parley/core';
import { collect, next, scenario, until, type TestDevice } from './support/harness.js';
import { aliceWithLaptopAndBob } from './support/linked-devices.js';
import { sendForged } from './support/malicious-peer.js';

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

describe('linked devices: unlinked while offline', () => {
  it('finds out at its next start from the signed list, sends nothing as the account, and is not believed', async () => {
    const { alice, bob, laptop } = await aliceWithLaptopAndBob(s.device);
    const greeted = next(laptop.c, 'message', (e) => e.message.text === 'hello both');
    await bob.c.messages.send(bob.c.conversations.direct(alice.c.account), 'hello both');
    await greeted;
    const bobAccount = bob.c.account;
    const toBob = laptop.c.conversations.direct(bobAccount);
    const seen = next(bob.c, 'message', (e) => e.message.text === 'while still linked');
    await laptop.c.messages.send(toBob, 'while still linked');
    await seen;

    // The laptop writes while the relay is down (its outbox keeps it), then is closed with its storage kept.
    await s.relay().stop();
    const pending = await laptop.c.messages.send(toBob, 'written offline');
    await laptop.stop();
    await s.relay().restart();
    await until(() => alice.c.connected && bob.c.connected, 'alice and bob to reconnect');
    // Unlinked from the phone while the laptop is off: the hint finds nobody to tell.
    await alice.c.devices.remove(2);
    // Bob is offline too, so anything the laptop sent him would wait on the relay, where the test looks.
    await bob.stop();

    await laptop.start();
    expect(laptop.c.account).toBe(alice.c.account);
    // It checks its account's list once connected: it is out, and says so.
    await until(
      async () => !(await laptop.c.devices.list()).some((device) => device.current),
      'the laptop to see it is no longer listed',
    );
    // What it wrote before fails instead of going out as Alice's, and so does anything new.
    const failed = async (id: string) => {
      const entries = await laptop.c.messages.outboxEntries(id);
      return entries.length > 0 && entries.every((entry) => entry.state === 'failed');
    };
    await until(() => failed(pending.id), 'what the laptop held for Bob to fail');
    const later = await laptop.c.messages.send(toBob, 'after the unlink');
    await until(() => failed(later.id), 'the new message to fail');
    expect((await laptop.c.messages.outboxEntries(later.id))[0]?.lastError).toMatch(/unlinked/u);
    const bobIdentity = toBase64Url(parseIdentityString(bobAccount));
    expect(await s.relay().store.blobs.pending(bobIdentity, 100)).toEqual([]);

    // Bob, back, is told nothing by it; and what a copy of its old engine would send him is refused.
    await bob.start();
    const refused = next(bob.c, 'error', (e) => e.code === 'UNTRUSTED_IDENTITY');
    const heard = collect(bob.c, 'message');
    await sendForged(laptop, bob.c.account, {
      id: `${alice.c.account.slice(0, 20)}${'0'.repeat(31)}1`,
      sentAt: Date.now(),
      counter: 1,
      body: { type: 'text', text: 'from an unlinked laptop' },
    });
    await refused;
    expect(heard.map((e) => e.message.text)).not.toContain('from an unlinked laptop');
  });
  it('learns at its next start that it was unlinked while off, even with nothing to send', async () => {
    const { alice, laptop } = await aliceWithLaptopAndBob(s.device);
    await laptop.stop();
    await alice.c.devices.remove(2);
    await laptop.start();
    // Nothing here asks for the list: only the engine's own check once connected can find the removal.
    await until(async () => {
      const kept = await laptop.c.db.deviceLists.get(alice.c.account);
      return kept !== undefined && !kept.list.devices.some((device) => device.deviceId === 2);
    }, 'the laptop to fetch the list that no longer names it');
  });
});
