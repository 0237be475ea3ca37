import { describe, expect, it } from 'vitest';
import { nodeNativeBackend } from '../backend/native.node.js';
import { InMemorySenderKeyStore, type ProtocolAddress } from '../stores.js';
import { makeParty, read, text } from '../testing/parties.js';
import { GroupCipher } from './group-cipher.js';
import {
  decodeDistribution,
  deserializeSenderKeyRecord,
  encodeDistribution,
  serializeSenderKeyRecord,
} from './sender-key-state.js';

const GROUP = 'group-1';
const code = (c: string) => expect.objectContaining({ code: c });

function member(name: string) {
  const address: ProtocolAddress = { name, deviceId: 1 };
  const store = new InMemorySenderKeyStore();
  return { address, store, group: new GroupCipher(store, address, { backend: nodeNativeBackend }) };
}

async function share(from: ReturnType<typeof member>, to: ReturnType<typeof member>[]) {
  const distribution = await from.group.distribution(GROUP);
  for (const other of to) await other.group.processDistribution(from.address, distribution);
}

describe('group messages with sender keys', () => {
  it('lets every member read a message encrypted once for the group', async () => {
    const [alice, bob, carol] = [member('alice'), member('bob'), member('carol')];
    await share(alice, [bob, carol]);
    const message = await alice.group.encrypt(GROUP, text('hello group'));
    expect(read(await bob.group.decrypt(GROUP, alice.address, message))).toBe('hello group');
    expect(read(await carol.group.decrypt(GROUP, alice.address, message))).toBe('hello group');
  });

  it('distributes sender keys over the pairwise sessions', async () => {
    const alicePair = makeParty({ backend: nodeNativeBackend });
    const bobPair = makeParty({ backend: nodeNativeBackend });
    await alicePair.cipher.initiate(bobPair.address, bobPair.fetchBundle());
    const alice = member(alicePair.address.name);
    const bob = member(bobPair.address.name);
    const sealed = await alicePair.cipher.encrypt(bobPair.address, await alice.group.distribution(GROUP));
    const { plaintext } = await bobPair.cipher.decrypt(alicePair.address, sealed);
    expect(await bob.group.processDistribution(alice.address, plaintext)).toBe(GROUP);
    const message = await alice.group.encrypt(GROUP, text('over the session'));
    expect(read(await bob.group.decrypt(GROUP, alice.address, message))).toBe('over the session');
  });

  it('handles out-of-order group messages and rejects replays', async () => {
    const [alice, bob] = [member('alice'), member('bob')];
    await share(alice, [bob]);
    const m0 = await alice.group.encrypt(GROUP, text('0'));
    const m1 = await alice.group.encrypt(GROUP, text('1'));
    const m2 = await alice.group.encrypt(GROUP, text('2'));
    expect(read(await bob.group.decrypt(GROUP, alice.address, m2))).toBe('2');
    expect(read(await bob.group.decrypt(GROUP, alice.address, m0))).toBe('0');
    expect(read(await bob.group.decrypt(GROUP, alice.address, m1))).toBe('1');
    await expect(bob.group.decrypt(GROUP, alice.address, m1)).rejects.toThrow(code('DUPLICATE_MESSAGE'));
  });

  it('rejects a bit flip anywhere in a group message and in a message under another group id', async () => {
    const [alice, bob] = [member('alice'), member('bob')];
    await share(alice, [bob]);
    const message = await alice.group.encrypt(GROUP, text('signed'));
    for (let byte = 0; byte < message.length; byte++) {
      const tampered = message.slice();
      tampered[byte] = (tampered[byte] ?? 0) ^ (1 << (byte % 8));
      await expect(bob.group.decrypt(GROUP, alice.address, tampered)).rejects.toThrow();
    }
    await expect(bob.group.decrypt('other-group', alice.address, message)).rejects.toThrow();
    expect(read(await bob.group.decrypt(GROUP, alice.address, message))).toBe('signed');
  });

  it('a removed member cannot read messages sent after the rotation', async () => {
    const [alice, bob, carol] = [member('alice'), member('bob'), member('carol')];
    await share(alice, [bob, carol]);
    await share(bob, [alice, carol]);
    expect(
      read(await carol.group.decrypt(GROUP, alice.address, await alice.group.encrypt(GROUP, text('before')))),
    ).toBe('before');

    // Carol is removed: every remaining member rotates and redistributes to the remaining members only.
    const aliceNew = await alice.group.rotate(GROUP);
    const bobNew = await bob.group.rotate(GROUP);
    await bob.group.processDistribution(alice.address, aliceNew);
    await alice.group.processDistribution(bob.address, bobNew);

    const fromAlice = await alice.group.encrypt(GROUP, text('after, from Alice'));
    const fromBob = await bob.group.encrypt(GROUP, text('after, from Bob'));
    expect(read(await bob.group.decrypt(GROUP, alice.address, fromAlice))).toBe('after, from Alice');
    expect(read(await alice.group.decrypt(GROUP, bob.address, fromBob))).toBe('after, from Bob');
    await expect(carol.group.decrypt(GROUP, alice.address, fromAlice)).rejects.toThrow(
      code('SESSION_NOT_FOUND'),
    );
    await expect(carol.group.decrypt(GROUP, bob.address, fromBob)).rejects.toThrow(code('SESSION_NOT_FOUND'));
    // Carol's old chains do not reach the new keys either: the new chain key is fresh randomness.
    const oldState = deserializeSenderKeyRecord(
      (await carol.store.loadSenderKey(GROUP, alice.address)) ?? '',
    );
    const newState = decodeDistribution(aliceNew);
    expect(oldState.states.map((state) => state.keyId)).not.toContain(newState.keyId);
  });

  it('round-trips distribution messages and stored sender keys', async () => {
    const alice = member('alice');
    const bytes = await alice.group.distribution(GROUP);
    expect(encodeDistribution(decodeDistribution(bytes))).toEqual(bytes);
    const stored = (await alice.store.loadSenderKey(GROUP, alice.address)) ?? '';
    expect(serializeSenderKeyRecord(deserializeSenderKeyRecord(stored))).toBe(stored);
    expect(() => decodeDistribution(text('{"type":"nope"}'))).toThrow(code('BAD_REQUEST'));
  });
});
