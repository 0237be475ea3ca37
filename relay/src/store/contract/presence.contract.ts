import { describe, expect, it } from 'vitest';
import type { RelayStore } from '../types.js';
import { identity } from './fixtures.js';

export function presenceContract(
  store: () => RelayStore,
  pair: () => Promise<[RelayStore, RelayStore]>,
): void {
  describe('presence', () => {
    it('stores last seen only for identities that share it', async () => {
      const alice = identity(1);
      expect(await store().presence.getVisibility(alice)).toBeNull();
      expect(await store().presence.getLastSeen(alice)).toBeNull();
      await store().presence.setLastSeen(alice, 5_000);
      expect(await store().presence.getVisibility(alice)).toBeNull();
      expect(await store().presence.getLastSeen(alice)).toBeNull();
      await store().presence.setVisibility(alice, { allow: [identity(2)], lastSeen: false });
      await store().presence.setLastSeen(alice, 5_500);
      expect(await store().presence.getLastSeen(alice)).toBeNull();
      await store().presence.setVisibility(alice, { allow: [identity(2), identity(3)], lastSeen: true });
      await store().presence.setLastSeen(alice, 6_000);
      expect(await store().presence.getVisibility(alice)).toEqual({
        allow: [identity(2), identity(3)],
        lastSeen: true,
      });
      expect(await store().presence.getLastSeen(alice)).toBe(6_000);
      // Turning last seen off forgets the stored time; sharing nothing forgets the identity's row.
      await store().presence.setVisibility(alice, { allow: [identity(2)], lastSeen: false });
      expect(await store().presence.getLastSeen(alice)).toBeNull();
      await store().presence.setVisibility(alice, { allow: [identity(2)], lastSeen: true });
      expect(await store().presence.getLastSeen(alice)).toBeNull();
      await store().presence.setVisibility(alice, { allow: [], lastSeen: false });
      expect(await store().presence.getVisibility(alice)).toBeNull();
    });
  });

  describe('secrets', () => {
    it('creates a secret once and returns the same bytes afterwards', async () => {
      const first = await store().secrets.getOrCreate('relay-key', () => new Uint8Array([1, 2, 3]));
      const second = await store().secrets.getOrCreate('relay-key', () => new Uint8Array([4, 5, 6]));
      expect(first).toEqual(new Uint8Array([1, 2, 3]));
      expect(second).toEqual(new Uint8Array([1, 2, 3]));
      expect(second).toBeInstanceOf(Uint8Array);
    });

    it('gives two stores on one back end the first writer’s bytes', async () => {
      const [one, two] = await pair();
      try {
        const [a, b] = await Promise.all([
          one.secrets.getOrCreate('token-key', () => new Uint8Array(32).fill(1)),
          two.secrets.getOrCreate('token-key', () => new Uint8Array(32).fill(2)),
        ]);
        expect(a).toEqual(b);
      } finally {
        await one.close();
        await two.close();
      }
    });
  });
}
