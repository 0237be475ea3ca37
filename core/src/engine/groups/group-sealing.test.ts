import { describe, expect, it } from 'vitest';
import { GroupCipher } from '../../crypto/index.js';
import { openTestDatabase } from '../../storage/testing/fixtures.js';
import {
  SenderTagIndex,
  openSealedGroupBlob,
  padGroupContent,
  sealedGroupBlob,
  unpadGroupContent,
} from './group-sealing.js';

const ALICE = { name: 'alice', deviceId: 1 };
const BOB = { name: 'bob', deviceId: 1 };

describe('sealed group blobs', () => {
  it('pads content to a multiple of 256 bytes and gets exactly it back', () => {
    for (const length of [0, 1, 251, 252, 253, 1000]) {
      const content = new Uint8Array(length).fill(7);
      const padded = padGroupContent(content);
      expect(padded.length % 256).toBe(0);
      expect(padded.length).toBeGreaterThanOrEqual(length + 4);
      expect(unpadGroupContent(padded)).toEqual(content);
    }
  });

  it('refuses malformed blobs and padding with a clear error', () => {
    expect(() => openSealedGroupBlob(new Uint8Array([3, 1, 2]))).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
    expect(() => openSealedGroupBlob(new Uint8Array(40).fill(2))).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
    const lying = new Uint8Array(256);
    new DataView(lying.buffer).setUint32(0, 300);
    expect(() => unpadGroupContent(lying)).toThrow(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
    const tag = new Uint8Array(16).fill(9);
    expect(openSealedGroupBlob(sealedGroupBlob(tag, new Uint8Array([5, 6]))).tag).toEqual(tag);
  });

  it('maps a tag to its group and sender once that sender key is stored, and forgets it with the group', async () => {
    const aliceDb = await openTestDatabase(undefined, 'alice');
    const bobDb = await openTestDatabase(undefined, 'bob');
    const alice = new GroupCipher(aliceDb.senderKeys, ALICE);
    const bobIndex = new SenderTagIndex(bobDb, {});
    const distribution = await alice.distribution('g1');
    const { tag } = await alice.encryptTagged('g1', new Uint8Array([1]));
    expect(await bobIndex.lookup(tag)).toBeUndefined();

    await new GroupCipher(bobDb.senderKeys, BOB).processDistribution(ALICE, distribution);
    await bobIndex.added('g1', ALICE);
    expect(await bobIndex.lookup(tag)).toEqual({ groupId: 'g1', sender: ALICE });
    // A fresh index (a restarted client) finds it from the store alone.
    expect(await new SenderTagIndex(bobDb, {}).lookup(tag)).toEqual({ groupId: 'g1', sender: ALICE });

    await bobDb.senderKeys.deleteGroup('g1');
    bobIndex.invalidate();
    expect(await bobIndex.lookup(tag)).toBeUndefined();
    aliceDb.close();
    bobDb.close();
  });
});
