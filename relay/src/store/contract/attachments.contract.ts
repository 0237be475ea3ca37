import { isParleyError } from '@parley/core';
import { describe, expect, it } from 'vitest';
import type { AttachmentRecord, RelayStore } from '../types.js';
import { identity } from './fixtures.js';

export function attachmentsContract(store: () => RelayStore): void {
  const alice = identity(1);
  const bob = identity(2);
  const carol = identity(3);
  const dave = identity(4);
  const upload = (hash: string, size: number, uploader = alice, recipients = [bob]) => ({
    hash,
    size,
    uploader,
    recipients,
    createdAt: 1_000,
    expiresAt: 10_000,
  });

  describe('attachments', () => {
    it('creates a record that starts empty and waits for its recipients', async () => {
      const created = await store().attachments.create(upload('h1', 100, alice, [bob, carol]), 1_000);
      const expected: AttachmentRecord = {
        hash: 'h1',
        size: 100,
        uploader: alice,
        offset: 0,
        complete: false,
        waiting: [bob, carol],
        createdAt: 1_000,
        expiresAt: 10_000,
      };
      expect({ ...created, waiting: created.waiting.sort() }).toEqual({
        ...expected,
        waiting: [bob, carol].sort(),
      });
      const read = await store().attachments.get('h1');
      expect(read?.waiting.sort()).toEqual([bob, carol].sort());
      expect(await store().attachments.get('unknown')).toBeNull();
    });

    it('lets only the uploader add recipients to or extend an attachment', async () => {
      await store().attachments.create(upload('h1', 100, alice, [bob]), 1_000);
      // Anyone who learns the hash trying to add themselves (to download it or pin the uploader's quota).
      const intruder = await store()
        .attachments.create({ ...upload('h1', 100, carol, [carol]), expiresAt: 99_000 }, 1_000)
        .catch((e: unknown) => e);
      expect(isParleyError(intruder, 'ACCESS_DENIED')).toBe(true);
      expect(await store().attachments.get('h1')).toMatchObject({ waiting: [bob], expiresAt: 10_000 });
      const again = await store().attachments.create(upload('h1', 100, alice, [dave]), 1_000);
      expect(again.uploader).toBe(alice);
      expect(again.waiting.sort()).toEqual([bob, dave].sort());
      expect(await store().attachments.stats()).toMatchObject({ attachments: 1 });
    });

    it('refuses the same hash with another size', async () => {
      await store().attachments.create(upload('h1', 100), 1_000);
      const error = await store()
        .attachments.create(upload('h1', 101), 1_000)
        .catch((e: unknown) => e);
      expect(isParleyError(error, 'CONFLICT')).toBe(true);
    });

    it('counts unfinished and undelivered uploads against the uploader quota', async () => {
      await store().attachments.create(upload('h1', 600), 1_000);
      const error = await store()
        .attachments.create(upload('h2', 500), 1_000)
        .catch((e: unknown) => e);
      expect(isParleyError(error, 'QUOTA_EXCEEDED')).toBe(true);
      await store().attachments.create(upload('h3', 500, carol), 1_000);
      await store().attachments.setOffset('h1', 600, true);
      await store().attachments.markFetched('h1', bob);
      await store().attachments.create(upload('h2', 500), 1_000);
    });

    it('only moves the upload offset forward', async () => {
      await store().attachments.create(upload('h1', 100), 1_000);
      await store().attachments.setOffset('h1', 50, false);
      await store().attachments.setOffset('h1', 20, false);
      expect(await store().attachments.get('h1')).toMatchObject({ offset: 50, complete: false });
      await store().attachments.setOffset('h1', 100, true);
      await store().attachments.setOffset('h1', 60, false);
      expect(await store().attachments.get('h1')).toMatchObject({ offset: 100, complete: true });
      expect(await store().attachments.stats()).toEqual({ attachments: 1, bytes: 100 });
      const error = await store()
        .attachments.setOffset('unknown', 1, false)
        .catch((e: unknown) => e);
      expect(isParleyError(error, 'NOT_FOUND')).toBe(true);
    });

    it('says when the last recipient has fetched the bytes', async () => {
      await store().attachments.create(upload('h1', 100, alice, [bob, carol]), 1_000);
      expect(await store().attachments.markFetched('h1', bob)).toBe(false);
      expect(await store().attachments.markFetched('h1', bob)).toBe(false);
      expect(await store().attachments.markFetched('h1', carol)).toBe(true);
      expect((await store().attachments.get('h1'))?.waiting).toEqual([]);
    });

    it('expires and removes records', async () => {
      await store().attachments.create(upload('h1', 100), 1_000);
      await store().attachments.create({ ...upload('h2', 100), expiresAt: 20_000 }, 1_000);
      await store().attachments.create({ ...upload('h3', 100), expiresAt: 30_000 }, 1_000);
      expect(await store().attachments.expire(9_999)).toEqual([]);
      expect(await store().attachments.expire(10_000)).toEqual(['h1']);
      expect(await store().attachments.get('h1')).toBeNull();
      await store().attachments.remove('h2');
      await store().attachments.remove('h2');
      expect(await store().attachments.get('h2')).toBeNull();
      expect(await store().attachments.stats()).toEqual({ attachments: 1, bytes: 0 });
    });
  });
}
