import { describe, expect, it } from 'vitest';
import { nodeNativeBackend } from '../backend/native.node.js';
import { tweetnaclBackend } from '../backend/tweetnacl.js';
import { InMemorySenderKeyStore, type ProtocolAddress } from '../stores.js';
import { GroupCipher } from './group-cipher.js';
import { senderKeyRecordTags, senderKeyTag } from './sender-key-tag.js';

const GROUP = 'group-1';

function member(name: string) {
  const address: ProtocolAddress = { name, deviceId: 1 };
  const store = new InMemorySenderKeyStore();
  return { address, store, group: new GroupCipher(store, address, { backend: nodeNativeBackend }) };
}

async function tagsHeldBy(holder: ReturnType<typeof member>, of: ProtocolAddress): Promise<string[]> {
  const record = await holder.store.loadSenderKey(GROUP, of);
  if (record === undefined) return [];
  return senderKeyRecordTags(tweetnaclBackend, GROUP, record).map((tag) => Buffer.from(tag).toString('hex'));
}

describe('sender-key tags of sealed group messages', () => {
  it('lets a member who holds the sender key, and nobody else, recognise the tag of a message', async () => {
    const [alice, bob, mallory] = [member('alice'), member('bob'), member('mallory')];
    await bob.group.processDistribution(alice.address, await alice.group.distribution(GROUP));
    const { tag, message } = await alice.group.encryptTagged(GROUP, new Uint8Array([1, 2, 3]));
    expect(tag).toHaveLength(16);
    expect(await tagsHeldBy(bob, alice.address)).toContain(Buffer.from(tag).toString('hex'));
    expect(await tagsHeldBy(mallory, alice.address)).toEqual([]);
    // The tag does not appear in the message, and the message still decrypts as before.
    expect(Buffer.from(message).includes(Buffer.from(tag))).toBe(false);
    expect(await bob.group.decrypt(GROUP, alice.address, message)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('changes with every rotation and with the group, and is the same under both backends', async () => {
    const alice = member('alice');
    await alice.group.distribution(GROUP);
    const first = (await alice.group.encryptTagged(GROUP, new Uint8Array([1]))).tag;
    const again = (await alice.group.encryptTagged(GROUP, new Uint8Array([2]))).tag;
    expect(again).toEqual(first);
    await alice.group.rotate(GROUP);
    const rotated = (await alice.group.encryptTagged(GROUP, new Uint8Array([3]))).tag;
    expect(rotated).not.toEqual(first);
    const key = new Uint8Array(32).fill(5);
    expect(senderKeyTag(nodeNativeBackend, GROUP, key)).toEqual(senderKeyTag(tweetnaclBackend, GROUP, key));
    expect(senderKeyTag(tweetnaclBackend, 'group-2', key)).not.toEqual(
      senderKeyTag(tweetnaclBackend, GROUP, key),
    );
  });
});
