import { describe, expect, it } from 'vitest';
import type { RelayStore } from '../types.js';
import { identity } from './fixtures.js';

export function accessContract(store: () => RelayStore): void {
  describe('access', () => {
    it('remembers admitted identities', async () => {
      expect(await store().access.isAdmitted(identity(1))).toBe(false);
      await store().access.admit(identity(1));
      await store().access.admit(identity(1));
      expect(await store().access.isAdmitted(identity(1))).toBe(true);
      expect(await store().access.isAdmitted(identity(2))).toBe(false);
    });

    it('admits as many identities as an invite has uses, and no more', async () => {
      await store().access.createInvite('hash', 2, 10_000);
      const redeemed = await Promise.all([1, 2, 3].map(() => store().access.redeemInvite('hash', 5_000)));
      expect(redeemed.filter(Boolean)).toHaveLength(2);
      expect(await store().access.redeemInvite('unknown', 5_000)).toBe(false);
    });

    it('refuses an expired invite', async () => {
      await store().access.createInvite('hash', 5, 10_000);
      expect(await store().access.redeemInvite('hash', 10_001)).toBe(false);
      expect(await store().access.redeemInvite('hash', 9_999)).toBe(true);
    });

    it('accepts the right code once', async () => {
      await store().access.saveOtp('a@example.org', 'code', 10_000);
      expect(await store().access.checkOtp('a@example.org', 'code', 5_000, 3)).toBe('ok');
      expect(await store().access.checkOtp('a@example.org', 'code', 5_000, 3)).toBe('invalid');
    });

    it('locks the address after too many wrong codes until the code expires', async () => {
      await store().access.saveOtp('a@example.org', 'code', 10_000);
      for (let i = 0; i < 3; i += 1) {
        expect(await store().access.checkOtp('a@example.org', 'wrong', 5_000, 3)).toBe('invalid');
      }
      expect(await store().access.checkOtp('a@example.org', 'code', 5_000, 3)).toBe('locked');
      expect(await store().access.checkOtp('a@example.org', 'code', 10_001, 3)).toBe('expired');
    });

    it('starts counting wrong codes again when a new code is saved', async () => {
      await store().access.saveOtp('a@example.org', 'code', 10_000);
      await store().access.checkOtp('a@example.org', 'wrong', 5_000, 2);
      await store().access.checkOtp('a@example.org', 'wrong', 5_000, 2);
      await store().access.saveOtp('a@example.org', 'code2', 20_000);
      expect(await store().access.checkOtp('a@example.org', 'code', 6_000, 2)).toBe('invalid');
      expect(await store().access.checkOtp('a@example.org', 'code2', 6_000, 2)).toBe('ok');
    });

    it('reports an expired code as expired', async () => {
      await store().access.saveOtp('a@example.org', 'code', 10_000);
      expect(await store().access.checkOtp('a@example.org', 'code', 10_000, 3)).toBe('expired');
      expect(await store().access.checkOtp('b@example.org', 'code', 1_000, 3)).toBe('invalid');
    });

    it('counts code sends per address and window', async () => {
      expect(await store().access.countOtpSend('a@example.org', 0)).toBe(1);
      expect(await store().access.countOtpSend('a@example.org', 0)).toBe(2);
      expect(await store().access.countOtpSend('b@example.org', 0)).toBe(1);
      expect(await store().access.countOtpSend('a@example.org', 60_000)).toBe(1);
      expect(await store().access.countOtpSend('a@example.org', 60_000)).toBe(2);
    });
  });
}
