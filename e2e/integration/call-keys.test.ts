import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { FrameDecryptor, FrameEncryptor, toBase64Url, type CallKeyring, type FrameKey } from '@parley/core';
import { collect, next, scenario, startAll, until, type TestDevice } from './support/harness.js';
import { sendForged } from './support/malicious-peer.js';

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

const VIDEO = { kind: 'video', codec: 'vp8', keyframe: false } as const;

/** The key a participant encrypts with now, once it is settled (no newer one waiting to be switched to). */
function settledKey(keyring: CallKeyring): FrameKey | undefined {
  return keyring.pendingKey === undefined ? keyring.localKey : undefined;
}

function holds(keyring: CallKeyring, account: string, key: FrameKey | undefined): boolean {
  return key !== undefined && keyring.remoteKeys(account).some((held) => held.keyId === key.keyId);
}

/** Encrypts a frame as `from`'s camera would, and tries it with every key `to` holds for `from`. */
async function decryptsFrom(from: CallKeyring, to: CallKeyring, fromAccount: string): Promise<boolean> {
  const key = from.localKey;
  if (key === undefined) return false;
  const encryptor = new FrameEncryptor({ stream: 0 });
  await encryptor.setKey(key);
  const frame = nacl.randomBytes(300);
  const decryptor = new FrameDecryptor();
  for (const held of to.remoteKeys(fromAccount)) decryptor.addKey(held);
  try {
    return Buffer.from(await decryptor.decrypt(await encryptor.encrypt(frame, VIDEO), 'video')).equals(
      Buffer.from(frame),
    );
  } catch {
    return false;
  }
}

async function groupOfThree(
  options: Parameters<typeof s.device>[1] = {},
): Promise<{ devices: TestDevice[]; groupId: string }> {
  const devices = [
    s.device('alice', { direct: false, ...options }),
    s.device('bob', { direct: false, ...options }),
    s.device('carol', { direct: false, ...options }),
  ];
  await startAll(...devices);
  const [alice, bob, carol] = devices as [TestDevice, TestDevice, TestDevice];
  const joined = [next(bob.c, 'group'), next(carol.c, 'group')];
  const conversation = await alice.c.groups.create('call', [bob.c.account, carol.c.account]);
  await Promise.all(joined);
  return { devices, groupId: conversation.slice('group:'.length) };
}

/** Everyone opens the keyring of one new call, naming all the others as there. */
async function allInOneCall(devices: TestDevice[], groupId: string): Promise<CallKeyring[]> {
  const callId = toBase64Url(nacl.randomBytes(32));
  const everyone = devices.map((device) => device.c.account);
  const rings: CallKeyring[] = [];
  for (const device of devices) {
    const participants = everyone.filter((account) => account !== device.c.account);
    rings.push(await device.c.callKeys.open({ callId, groupId, participants }));
  }
  return rings;
}

/** The third joins the call of the first two: the SFU names them to it, and it to them. */
async function thirdJoins(
  [first, second, third]: readonly [TestDevice, TestDevice, TestDevice],
  [a, b]: readonly [CallKeyring, CallKeyring],
  callId: string,
  groupId: string,
): Promise<CallKeyring> {
  const c = await third.c.callKeys.open({
    callId,
    groupId,
    participants: [first.c.account, second.c.account],
  });
  await a.setParticipants([second.c.account, third.c.account]);
  await b.setParticipants([first.c.account, third.c.account]);
  return c;
}

/** Encrypts a frame under `key` and tries it with a decryptor holding only `held`. */
async function decryptsUnder(key: FrameKey | undefined, held: readonly FrameKey[]): Promise<boolean> {
  if (key === undefined) return false;
  const encryptor = new FrameEncryptor({ stream: 0 });
  await encryptor.setKey(key);
  return opens(await encryptor.encrypt(nacl.randomBytes(300), VIDEO), held);
}

async function opens(frame: Uint8Array, held: readonly FrameKey[]): Promise<boolean> {
  const decryptor = new FrameDecryptor();
  for (const key of held) decryptor.addKey(key);
  return decryptor.decrypt(frame, 'video').then(
    () => true,
    () => false,
  );
}

/**
 * `outsider` holds none of the senders' current keys and cannot decrypt their frames. Each sender first writes
 * to the outsider and waits for it to arrive: everything queued for the outsider before it has arrived by then
 * (per-device order), so a key on its way would be there.
 */
async function expectShutOut(
  outsider: TestDevice,
  ring: CallKeyring,
  senders: readonly (readonly [TestDevice, CallKeyring])[],
): Promise<void> {
  for (const [sender] of senders) {
    const barrier = next(outsider.c, 'message', ({ message }) => message.sender.name === sender.c.account);
    await sender.c.messages.send(sender.c.conversations.direct(outsider.c.account), 'after the change');
    await barrier;
  }
  for (const [sender, senderRing] of senders) {
    expect(senderRing.localKey).toBeDefined();
    expect(ring.remoteKeys(sender.c.account).map((key) => key.keyId)).not.toContain(
      senderRing.localKey?.keyId,
    );
    expect(await decryptsFrom(senderRing, ring, sender.c.account)).toBe(false);
  }
}

describe('group-call frame keys over the pairwise sessions', () => {
  it("brings every participant's frame key to the others, and each decrypts the others' frames", async () => {
    const { devices, groupId } = await groupOfThree();
    const [alice, bob, carol] = devices as [TestDevice, TestDevice, TestDevice];
    const callId = toBase64Url(nacl.randomBytes(32));
    // Each joins the call in turn, naming who the SFU says is there already; those there learn of the joiner.
    const a = await alice.c.callKeys.open({ callId, groupId, participants: [] });
    const b = await bob.c.callKeys.open({ callId, groupId, participants: [alice.c.account] });
    await a.setParticipants([bob.c.account]);
    const c = await thirdJoins([alice, bob, carol], [a, b], callId, groupId);

    const rings = [
      [a, alice.c.account],
      [b, bob.c.account],
      [c, carol.c.account],
    ] as const;
    await until(
      () =>
        rings.every(([from, account]) =>
          rings.every(([to]) => to === from || holds(to, account, settledKey(from))),
        ),
      "every participant's current key at the other two",
    );
    for (const [from, account] of rings)
      for (const [to] of rings) if (to !== from) expect(await decryptsFrom(from, to, account)).toBe(true);
    expect(a.participants.sort()).toEqual([bob.c.account, carol.c.account].sort());
  });

  it('when someone joins, those in the call switch at once to keys the joiner gets, and it cannot read what came before', async () => {
    // A switch delay longer than the test: a key that waited for it would never be used here.
    const { devices, groupId } = await groupOfThree({ tuning: { callKeySwitchDelayMs: 3_600_000 } });
    const [alice, bob, carol] = devices as [TestDevice, TestDevice, TestDevice];
    const callId = toBase64Url(nacl.randomBytes(32));
    const a = await alice.c.callKeys.open({ callId, groupId, participants: [] });
    const b = await bob.c.callKeys.open({ callId, groupId, participants: [alice.c.account] });
    await a.setParticipants([bob.c.account]);
    await until(
      () => holds(b, alice.c.account, a.localKey) && holds(a, bob.c.account, b.localKey),
      "alice's and bob's first keys at each other",
    );
    const bobHeldOfAlice = b.remoteKeys(alice.c.account);
    const beforeCarol = new FrameEncryptor({ stream: 0 });
    await beforeCarol.setKey(a.localKey as FrameKey); // defined: bob holds it (until above)
    const earlier = await beforeCarol.encrypt(nacl.randomBytes(300), VIDEO);

    // Carol joins: the SFU names alice and bob to her, and her to them.
    const c = await thirdJoins([alice, bob, carol], [a, b], callId, groupId);
    expect(a.pendingKey).toBeUndefined();
    expect(b.pendingKey).toBeUndefined();
    await until(
      () => holds(c, alice.c.account, a.localKey) && holds(c, bob.c.account, b.localKey),
      "alice's and bob's keys in use, at carol",
    );
    expect(await decryptsUnder(a.localKey, c.remoteKeys(alice.c.account))).toBe(true);
    expect(await decryptsUnder(b.localKey, c.remoteKeys(bob.c.account))).toBe(true);
    // Bob reads Alice's new frames with only what he held before Carol came (he derives her new key).
    expect(await decryptsUnder(a.localKey, bobHeldOfAlice)).toBe(true);
    // What Alice sent before Carol joined stays closed to Carol, with every key she was given.
    expect(await opens(earlier, c.remoteKeys(alice.c.account))).toBe(false);
    expect(await opens(earlier, bobHeldOfAlice)).toBe(true);
  });

  it('rotates every key when one leaves, and the leaver never gets the new ones', async () => {
    const { devices, groupId } = await groupOfThree();
    const [alice, bob, carol] = devices as [TestDevice, TestDevice, TestDevice];
    const [a, b, c] = (await allInOneCall(devices, groupId)) as [CallKeyring, CallKeyring, CallKeyring];
    await until(
      () => holds(b, alice.c.account, settledKey(a)) && holds(c, alice.c.account, settledKey(a)),
      "alice's key at bob and carol",
    );
    const before = a.localKey;
    expect(await decryptsFrom(a, c, alice.c.account)).toBe(true);

    // Carol leaves the call, but keeps listening with everything she held (the attack).
    await a.setParticipants([bob.c.account]);
    await b.setParticipants([alice.c.account]);
    await until(
      () =>
        settledKey(a) !== undefined &&
        settledKey(a)?.keyId !== before?.keyId &&
        holds(b, alice.c.account, settledKey(a)) &&
        holds(a, bob.c.account, settledKey(b)),
      'the rotated keys at alice and bob',
    );
    expect(await decryptsFrom(a, b, alice.c.account)).toBe(true);
    expect(await decryptsFrom(b, a, bob.c.account)).toBe(true);

    await expectShutOut(carol, c, [
      [alice, a],
      [bob, b],
    ]);
  });

  it('takes no frame key for the call from someone outside the group, whatever it names', async () => {
    const { devices, groupId } = await groupOfThree();
    const [alice, bob] = devices as [TestDevice, TestDevice, TestDevice];
    const mallory = s.device('mallory', { direct: false });
    await mallory.start();
    await until(() => mallory.c.connected, 'mallory to connect');
    await alice.c.contacts.add(mallory.c.profile.contactLink());
    await mallory.c.contacts.add(alice.c.profile.contactLink());
    const callId = toBase64Url(nacl.randomBytes(32));
    const a = await alice.c.callKeys.open({ callId, groupId, participants: [bob.c.account] });
    // Mallory has a session with Alice (she wrote to her), learnt the call and group ids, and sends a key.
    const settled = async () => {
      const marker = `marker ${toBase64Url(nacl.randomBytes(8))}`;
      const seen = next(alice.c, 'message', ({ message }) => message.text === marker);
      await mallory.c.messages.send(mallory.c.conversations.direct(alice.c.account), marker);
      await seen;
    };
    await settled();
    const errors = collect(alice.c, 'error');
    await sendForged(mallory, alice.c.account, {
      id: `${mallory.c.account.slice(0, 20)}${'ab'.repeat(16)}`,
      sentAt: Date.now(),
      counter: 1,
      body: { type: 'frame-key', callId, groupId, keyId: 7, secret: toBase64Url(nacl.randomBytes(32)) },
    });
    await settled();
    expect(a.remoteKeys(mallory.c.account)).toEqual([]);
    expect(errors.map(String)).toContainEqual(
      expect.stringMatching(/frame key from someone not in the group/u),
    );
    // Nor does Alice give Mallory hers when the SFU lists her as a participant.
    await a.setParticipants([bob.c.account, mallory.c.account]);
    expect(a.participants).toEqual([bob.c.account]);
  });

  it('rotates when a member is removed from the group mid-call, though the SFU still lists them', async () => {
    const { devices, groupId } = await groupOfThree();
    const [alice, bob, carol] = devices as [TestDevice, TestDevice, TestDevice];
    // Carol's client keeps its keyring open and listening after her removal (the attack).
    const [a, b, c] = (await allInOneCall(devices, groupId)) as [CallKeyring, CallKeyring, CallKeyring];
    await until(
      () => holds(c, alice.c.account, settledKey(a)) && holds(c, bob.c.account, settledKey(b)),
      "alice's and bob's keys at carol",
    );
    const before = [a.localKey?.keyId, b.localKey?.keyId];

    // The admin removes Carol; nobody tells the keyrings about participants (the SFU still lists her).
    const bobSaw = next(bob.c, 'group', ({ state }) => !state.members.includes(carol.c.account));
    await alice.c.groups.removeMember(groupId, carol.c.account);
    await bobSaw;
    await until(
      () =>
        settledKey(a) !== undefined &&
        settledKey(b) !== undefined &&
        settledKey(a)?.keyId !== before[0] &&
        settledKey(b)?.keyId !== before[1] &&
        holds(b, alice.c.account, settledKey(a)) &&
        holds(a, bob.c.account, settledKey(b)),
      'keys rotated without carol',
    );
    expect(a.participants).toEqual([bob.c.account]);
    expect(b.participants).toEqual([alice.c.account]);
    await expectShutOut(carol, c, [
      [alice, a],
      [bob, b],
    ]);
  });

  it('keeps a key that arrives before this device has opened the call', async () => {
    const { devices, groupId } = await groupOfThree();
    const [alice, bob] = devices as [TestDevice, TestDevice, TestDevice];
    const callId = toBase64Url(nacl.randomBytes(32));
    const a = await alice.c.callKeys.open({ callId, groupId, participants: [bob.c.account] });
    // Bob is still joining: Alice's key reaches him before he opens the call (her next message is behind it).
    const barrier = next(bob.c, 'message', ({ message }) => message.sender.name === alice.c.account);
    await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'joining?');
    await barrier;
    const b = await bob.c.callKeys.open({ callId, groupId, participants: [alice.c.account] });
    expect(holds(b, alice.c.account, a.localKey)).toBe(true);
  });
});
