import { isParleyError } from '@parley/core';
import { describe, expect, it } from 'vitest';
import type { RelayStore } from '../types.js';
import { bundle, deviceList, identity } from './fixtures.js';

export function directoryContract(store: () => RelayStore): void {
  describe('directory', () => {
    const alice = identity(1);
    const bob = identity(2);

    it('hands out each one-time prekey once and counts what remains', async () => {
      expect(await store().directory.publish(bundle(alice, [1, 2, 3]))).toBe(3);
      const taken: number[] = [];
      for (const remaining of [2, 1, 0]) {
        const result = await store().directory.take(alice);
        expect(result?.remaining).toBe(remaining);
        expect(result?.bundle.identityKey).toBe(alice);
        expect(result?.bundle.signedPreKey.keyId).toBe(1);
        taken.push(result?.bundle.oneTimePreKey?.keyId ?? -1);
      }
      expect(taken.sort()).toEqual([1, 2, 3]);
      const exhausted = await store().directory.take(alice);
      expect(exhausted?.bundle.oneTimePreKey).toBeUndefined();
      expect(exhausted?.remaining).toBe(0);
    });

    it('gives concurrent fetchers distinct one-time prekeys', async () => {
      const keyIds = Array.from({ length: 50 }, (_, i) => i + 1);
      await store().directory.publish(bundle(alice, keyIds));
      const results = await Promise.all(keyIds.map(() => store().directory.take(alice)));
      const handedOut = results.map((result) => result?.bundle.oneTimePreKey?.keyId);
      expect(new Set(handedOut).size).toBe(50);
      expect(handedOut).not.toContain(undefined);
    });

    it('ignores a republished keyId, even after that key was handed out', async () => {
      await store().directory.publish(bundle(alice, [1, 2]));
      await store().directory.take(alice);
      expect(await store().directory.publish(bundle(alice, [1, 2, 3], 2))).toBe(2);
      const result = await store().directory.take(alice);
      expect(result?.bundle.signedPreKey.keyId).toBe(2);
    });

    it('returns the one-time prekey exactly as published', async () => {
      const published = bundle(alice, [7]);
      await store().directory.publish(published);
      const result = await store().directory.take(alice);
      expect(result?.bundle).toEqual({
        identityKey: published.identityKey,
        identityDhKey: published.identityDhKey,
        identityDhSignature: published.identityDhSignature,
        signedPreKey: published.signedPreKey,
        oneTimePreKey: published.oneTimePreKeys[0],
      });
    });

    it('keeps the device list with the highest counter, exactly as published', async () => {
      expect(await store().directory.deviceList(alice)).toBeNull();
      await store().directory.publishDeviceList(deviceList(alice, 1));
      await store().directory.publishDeviceList(deviceList(alice, 3));
      expect(await store().directory.deviceList(alice)).toEqual(deviceList(alice, 3));
      expect(await store().directory.deviceList(bob)).toBeNull();
    });

    it('refuses an older device list or another one under the held counter, and keeps the held one', async () => {
      await store().directory.publishDeviceList(deviceList(alice, 5));
      for (const stale of [deviceList(alice, 4), deviceList(alice, 5, 99)]) {
        const error = await store()
          .directory.publishDeviceList(stale)
          .catch((e: unknown) => e);
        expect(isParleyError(error, 'CONFLICT')).toBe(true);
      }
      // The same list again is a retry, not a conflict.
      await store().directory.publishDeviceList(deviceList(alice, 5));
      expect(await store().directory.deviceList(alice)).toEqual(deviceList(alice, 5));
    });

    it('returns null for an identity that never published', async () => {
      expect(await store().directory.take(bob)).toBeNull();
    });

    it('reserves a username for one identity at a time', async () => {
      await store().directory.setUsername(alice, 'alice');
      expect(await store().directory.resolveUsername('alice')).toBe(alice);
      const error = await store()
        .directory.setUsername(bob, 'alice')
        .catch((e: unknown) => e);
      expect(isParleyError(error, 'USERNAME_TAKEN')).toBe(true);
      await store().directory.setUsername(alice, 'alice');
      expect(await store().directory.resolveUsername('alice')).toBe(alice);
    });

    it('frees the old username when an identity picks a new one or releases it', async () => {
      await store().directory.setUsername(alice, 'alice');
      await store().directory.setUsername(alice, 'alice2');
      expect(await store().directory.resolveUsername('alice')).toBeNull();
      expect(await store().directory.resolveUsername('alice2')).toBe(alice);
      await store().directory.setUsername(bob, 'alice');
      expect(await store().directory.resolveUsername('alice')).toBe(bob);
      await store().directory.setUsername(alice, null);
      expect(await store().directory.resolveUsername('alice2')).toBeNull();
      await store().directory.setUsername(bob, 'alice2');
      expect(await store().directory.resolveUsername('alice2')).toBe(bob);
    });

    it('lets only one of two concurrent claims of a username win', async () => {
      const outcomes = await Promise.allSettled([
        store().directory.setUsername(alice, 'shared'),
        store().directory.setUsername(bob, 'shared'),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect([alice, bob]).toContain(await store().directory.resolveUsername('shared'));
    });
  });
}
