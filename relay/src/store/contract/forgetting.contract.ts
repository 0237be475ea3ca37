import { describe, expect, it } from 'vitest';
import type { RelayStore } from '../types.js';
import { identity, ROOMY } from './fixtures.js';

/** A store over a back end whose raw bytes a test can read, as an auditor with the disk (or a dump) would. */
export interface InspectableStore {
  store: RelayStore;
  /** Every byte the back end holds: SQLite's database, WAL and shared-memory files; every Redis key and value. */
  residue(): Promise<Buffer>;
  /** Names of what remains: SQLite tables with rows; Redis keys (prefix removed). */
  remaining(): Promise<string[]>;
  close(): Promise<void>;
}

const MARKER = 'FORGET-ME-';
const marked = (n: number) => new TextEncoder().encode(`${MARKER}${n}-${'x'.repeat(200)}`);

/** What may remain once every blob, notice, name and code is gone: counters and the relay's own secrets. */
const ALLOWED_REMAINS = new Set([
  // SQLite
  'secrets',
  'sqlite_sequence',
  // Redis
  'secret:metadata-hmac-key',
  'blob-seq',
  'notice-seq',
  'blob-stats',
]);

export function forgettingContract(open: () => Promise<InspectableStore>): void {
  describe('forgetting (what the back end holds after delivery, read raw)', () => {
    it('keeps no payload, name, address or sender→recipient link once delivery is done', async () => {
      const inspectable = await open();
      const { store } = inspectable;
      try {
        const [alice, bob, carol] = [identity(1), identity(2), identity(3)];
        const ids: string[] = [];
        for (let i = 0; i < 20; i += 1) {
          const deposit = { sender: alice, recipients: [bob, carol], payload: marked(i) };
          ids.push(
            (await store.blobs.deposit({ ...deposit, depositedAt: 1_000, expiresAt: 50_000 }, ROOMY)).id,
          );
        }
        const recalled = ids.pop() ?? '';
        const expiring = await store.blobs.deposit(
          { sender: carol, recipients: [bob], payload: marked(99), depositedAt: 1_000, expiresAt: 2_000 },
          ROOMY,
        );
        await store.directory.setUsername(alice, 'forget-me-name');
        await store.access.saveOtp('FORGET-ME-otp-key', 'code-hash', 3_000);
        await store.access.countOtpSend('FORGET-ME-otp-key', 0);
        await store.access.createInvite('FORGET-ME-invite', 1, 90_000);
        await store.access.createInvite('FORGET-ME-old-invite', 5, 2_000);
        expect(await store.access.redeemInvite('FORGET-ME-invite', 1_000)).toBe(true);
        await store.presence.setVisibility(alice, { allow: ['FORGET-ME-allowed'], lastSeen: true });
        await store.presence.setLastSeen(alice, 1_500);

        // Everything is delivered, recalled or expired, every notice acknowledged, the name released.
        await store.blobs.markPushed(bob, ids);
        await store.blobs.ack(bob, ids, 2_000, 100_000);
        await store.blobs.ack(carol, ids.slice(0, 10), 2_000, 100_000);
        await store.blobs.ack(carol, ids.slice(10), 2_000, 2_500);
        expect((await store.blobs.recall(alice, recalled))?.recalledFor.sort()).toEqual([bob, carol].sort());
        const notices = await store.blobs.notices(alice, 100);
        expect(notices).toHaveLength(38);
        // The sender acknowledges some notices; the others (carol's last nine) reach their bound unacknowledged.
        const late = new Set(ids.slice(10));
        await store.blobs.ackNotices(
          alice,
          notices.filter((notice) => notice.recipient !== carol || !late.has(notice.id)),
        );
        await store.blobs.expire(3_000);
        expect(await store.blobs.notices(alice, 100)).toEqual([]);
        expect(await store.blobs.pending(bob, 10)).toEqual([]);
        expect(await store.blobs.recall(carol, expiring.id)).toBeNull();
        await store.directory.setUsername(alice, null);
        await store.access.expire(3_000, 3_600_001);
        await store.presence.setVisibility(alice, { allow: [], lastSeen: false });
        await store.compact();

        const residue = await inspectable.residue();
        expect(residue.includes(MARKER)).toBe(false);
        expect(residue.includes('forget-me-name')).toBe(false);
        // Identities are 0x01… / 0x02… bytes in base64url: AQEB… (alice), AgIC… (bob).
        expect(residue.includes(bob)).toBe(false);
        expect(residue.includes(alice)).toBe(false);
        expect((await inspectable.remaining()).filter((name) => !ALLOWED_REMAINS.has(name))).toEqual([]);
        expect(await store.blobs.stats()).toEqual({ blobs: 0, bytes: 0 });
      } finally {
        await inspectable.close();
      }
    });
  });
}
