import { isParleyError } from '@parley/core';
import { describe, expect, it } from 'vitest';
import type { RelayStore } from '../types.js';
import { BLOB_ID, identity, payload, record, ROOMY } from './fixtures.js';

/** When a delivery notice is forgotten if its sender never acknowledges it. */
const KEEP = 100_000;

export function blobsContract(store: () => RelayStore): void {
  const alice = identity(1);
  const bob = identity(2);
  const carol = identity(3);
  const dave = identity(4);

  describe('blobs', () => {
    it('delivers blobs in deposit order, with the id the sender got', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 120; i += 1) {
        const { id } = await store().blobs.deposit(record(i % 2 ? alice : carol, [bob], payload(i)), ROOMY);
        expect(id).toMatch(BLOB_ID);
        ids.push(id);
      }
      const pending = await store().blobs.pending(bob, 1000);
      expect(pending.map((blob) => blob.id)).toEqual(ids);
      expect(pending[5]?.payload).toEqual(payload(5));
      expect(pending[5]).toMatchObject({ depositedAt: 1_000, expiresAt: 11_000 });
    });

    it('keeps deposit order for concurrent deposits and pages after an id', async () => {
      const deposits = await Promise.all(
        Array.from({ length: 30 }, (_, i) => store().blobs.deposit(record(alice, [bob], payload(i)), ROOMY)),
      );
      const pending = await store().blobs.pending(bob, 10);
      expect(pending.map((blob) => blob.payload[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const next = await store().blobs.pending(bob, 10, pending[9]?.id);
      expect(next.map((blob) => blob.id)).toEqual(deposits.slice(10, 20).map((deposit) => deposit.id));
    });

    it('fans one payload out to every recipient and keeps it until the last one acks', async () => {
      const { id } = await store().blobs.deposit(record(alice, [bob, carol, dave], payload(1, 2, 3)), ROOMY);
      expect(await store().blobs.stats()).toEqual({ blobs: 1, bytes: 3 });
      for (const recipient of [bob, carol, dave]) {
        expect((await store().blobs.pending(recipient, 10)).map((blob) => blob.id)).toEqual([id]);
      }
      expect(await store().blobs.ack(bob, [id], 2_000, KEEP)).toEqual([{ id, sender: alice }]);
      expect(await store().blobs.pending(bob, 10)).toEqual([]);
      expect(await store().blobs.ack(carol, [id], 2_000, KEEP)).toEqual([{ id, sender: alice }]);
      expect(await store().blobs.stats()).toEqual({ blobs: 1, bytes: 3 });
      expect((await store().blobs.pending(dave, 10))[0]?.payload).toEqual(payload(1, 2, 3));
      await store().blobs.ack(dave, [id], 2_000, KEEP);
      expect(await store().blobs.stats()).toEqual({ blobs: 0, bytes: 0 });
    });

    it('treats a second ack, or an ack by a non-recipient, as harmless', async () => {
      const { id } = await store().blobs.deposit(record(alice, [bob], payload(1)), ROOMY);
      expect(await store().blobs.ack(carol, [id], 2_000, KEEP)).toEqual([]);
      expect(await store().blobs.ack(bob, [id, id], 2_000, KEEP)).toEqual([{ id, sender: alice }]);
      expect(await store().blobs.ack(bob, [id, 'unknown'], 2_000, KEEP)).toEqual([]);
      expect(await store().blobs.notices(alice, 10)).toHaveLength(1);
    });

    it('tells the sender about each delivery until it acks the notice', async () => {
      const first = await store().blobs.deposit(record(alice, [bob, carol], payload(1)), ROOMY);
      const second = await store().blobs.deposit(record(alice, [bob], payload(2)), ROOMY);
      await store().blobs.ack(bob, [first.id], 2_000, KEEP);
      await store().blobs.ack(carol, [first.id], 3_000, KEEP);
      await store().blobs.ack(bob, [second.id], 4_000, KEEP);
      expect(await store().blobs.notices(alice, 10)).toEqual([
        { id: first.id, recipient: bob, deliveredAt: 2_000 },
        { id: first.id, recipient: carol, deliveredAt: 3_000 },
        { id: second.id, recipient: bob, deliveredAt: 4_000 },
      ]);
      expect(await store().blobs.notices(alice, 1)).toHaveLength(1);
      expect(await store().blobs.notices(bob, 10)).toEqual([]);
      const acked = [
        { id: first.id, recipient: carol },
        { id: second.id, recipient: carol },
      ];
      expect(await store().blobs.ackNotices(alice, acked)).toBe(1);
      expect(await store().blobs.ackNotices(bob, [{ id: first.id, recipient: bob }])).toBe(0);
      expect(await store().blobs.ackNotices(alice, acked)).toBe(0);
      expect((await store().blobs.notices(alice, 10)).map((notice) => notice.deliveredAt)).toEqual([
        2_000, 4_000,
      ]);
    });

    it('recalls undelivered copies and reports who already received the blob', async () => {
      const { id } = await store().blobs.deposit(record(alice, [bob, carol, dave], payload(9, 9)), ROOMY);
      await store().blobs.ack(carol, [id], 2_000, KEEP);
      expect(await store().blobs.recall(bob, id)).toBeNull();
      const outcome = await store().blobs.recall(alice, id);
      expect(outcome?.recalledFor.sort()).toEqual([bob, dave].sort());
      expect(outcome?.deliveredTo).toEqual([carol]);
      expect(await store().blobs.pending(bob, 10)).toEqual([]);
      expect(await store().blobs.pending(dave, 10)).toEqual([]);
      expect(await store().blobs.stats()).toEqual({ blobs: 0, bytes: 0 });
      expect(await store().blobs.ack(dave, [id], 3_000, KEEP)).toEqual([]);
      expect(await store().blobs.recall(alice, id)).toEqual({
        recalledFor: [],
        pushedTo: [],
        deliveredTo: [carol],
      });
      expect(await store().blobs.recall(alice, 'never-deposited')).toBeNull();
    });

    it('expires blobs, their delivery records and notices at the injected time', async () => {
      const early = await store().blobs.deposit(record(alice, [bob, carol], payload(1), 1_000), ROOMY);
      const late = await store().blobs.deposit(record(alice, [bob], payload(2), 5_000), ROOMY);
      await store().blobs.ack(carol, [early.id], 2_000, 12_000);
      expect(await store().blobs.expire(10_999)).toBe(0);
      expect(await store().blobs.expire(11_000)).toBe(1);
      expect((await store().blobs.pending(bob, 10)).map((blob) => blob.id)).toEqual([late.id]);
      // The notice outlives its blob until its own bound, then it goes too.
      expect(await store().blobs.notices(alice, 10)).toEqual([
        { id: early.id, recipient: carol, deliveredAt: 2_000 },
      ]);
      expect(await store().blobs.expire(12_000)).toBe(0);
      expect(await store().blobs.notices(alice, 10)).toEqual([]);
      expect(await store().blobs.recall(alice, early.id)).toBeNull();
      expect(await store().blobs.stats()).toEqual({ blobs: 1, bytes: 1 });
      expect(await store().blobs.expire(20_000)).toBe(1);
      expect(await store().blobs.stats()).toEqual({ blobs: 0, bytes: 0 });
    });

    it('expires large backlogs completely', async () => {
      await Promise.all(
        Array.from({ length: 2_500 }, (_, i) =>
          store().blobs.deposit(record(alice, [bob], payload(i % 256)), ROOMY),
        ),
      );
      expect(await store().blobs.expire(50_000)).toBe(2_500);
      expect(await store().blobs.pending(bob, 10)).toEqual([]);
    });

    it('refuses deposits over the sender quota and frees quota on delivery', async () => {
      const quota = { maxBlobs: 3, maxBytes: 10 };
      const { id } = await store().blobs.deposit(record(alice, [bob, carol], payload(1, 2)), quota);
      await store().blobs.deposit(record(alice, [bob], payload(3)), quota);
      const overCount = await store()
        .blobs.deposit(record(alice, [bob], payload(4)), quota)
        .catch((e: unknown) => e);
      expect(isParleyError(overCount, 'QUOTA_EXCEEDED')).toBe(true);
      await store().blobs.deposit(record(carol, [bob], payload(4)), quota);
      await store().blobs.ack(bob, [id], 2_000, KEEP);
      await store().blobs.deposit(record(alice, [bob], payload(4)), quota);
      const overBytes = await store()
        .blobs.deposit(record(dave, [bob], new Uint8Array(11)), quota)
        .catch((e: unknown) => e);
      expect(isParleyError(overBytes, 'QUOTA_EXCEEDED')).toBe(true);
      expect((await store().blobs.pending(bob, 10)).map((blob) => blob.payload[0])).toEqual([3, 4, 4]);
    });

    it('rejects only the over-quota deposit among concurrent ones', async () => {
      const quota = { maxBlobs: 5, maxBytes: 1_000 };
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store().blobs.deposit(record(alice, [bob], payload(i)), quota)),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
      expect(await store().blobs.pending(bob, 10)).toHaveLength(5);
    });

    it('counts each payload once in the stats', async () => {
      await store().blobs.deposit(record(alice, [bob, carol], payload(1, 2, 3, 4)), ROOMY);
      await store().blobs.deposit(record(alice, [bob], payload(1)), ROOMY);
      expect(await store().blobs.stats()).toEqual({ blobs: 2, bytes: 5 });
    });
  });
}
