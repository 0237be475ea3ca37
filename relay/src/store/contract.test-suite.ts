import { isParleyError } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelayStore } from './types.js';
import { accessContract } from './contract/access.contract.js';
import { attachmentsContract } from './contract/attachments.contract.js';
import { blobsContract } from './contract/blobs.contract.js';
import { directoryContract } from './contract/directory.contract.js';
import { forgettingContract, type InspectableStore } from './contract/forgetting.contract.js';
import { identity } from './contract/fixtures.js';
import { presenceContract } from './contract/presence.contract.js';

export interface StoreHarness {
  /** A fresh, empty store. */
  open(): Promise<RelayStore>;
  /** Two stores over one fresh back end (one file, one Redis prefix), as two relay processes would have. */
  openPair(): Promise<[RelayStore, RelayStore]>;
  /** A fresh store whose raw back end (files, keys) the test reads as an auditor would. */
  inspectable?: () => Promise<InspectableStore>;
}

/** The behaviour every RelayStore back end must have; each back end's test file runs it once. */
export function describeRelayStore(name: string, harness: StoreHarness): void {
  describe(`${name} relay store`, () => {
    let current: RelayStore | undefined;
    const store = (): RelayStore => {
      if (!current) throw new Error('the store opens in beforeEach');
      return current;
    };
    beforeEach(async () => {
      current = await harness.open();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    directoryContract(store);
    accessContract(store);
    blobsContract(store);
    attachmentsContract(store);
    presenceContract(store, () => harness.openPair());
    const inspectable = harness.inspectable;
    if (inspectable) forgettingContract(inspectable);

    describe('lifecycle', () => {
      it('closes idempotently and fails every method with CLOSED afterwards', async () => {
        await store().close();
        await store().close();
        const calls: Array<() => Promise<unknown>> = [
          () => store().directory.take(identity(1)),
          () => store().access.isAdmitted(identity(1)),
          () => store().blobs.pending(identity(1), 10),
          () => store().blobs.stats(),
          () => store().attachments.get('h'),
          () => store().presence.getLastSeen(identity(1)),
          () => store().secrets.getOrCreate('s', () => new Uint8Array(1)),
        ];
        for (const call of calls) {
          const error = await call().catch((e: unknown) => e);
          expect(isParleyError(error, 'CLOSED')).toBe(true);
        }
      });

      it('commits writes that were still queued when close was called', async () => {
        const deposit = store().blobs.deposit(
          {
            sender: identity(1),
            recipients: [identity(2)],
            payload: new Uint8Array([1]),
            depositedAt: 1,
            expiresAt: 2,
          },
          { maxBlobs: 10, maxBytes: 10 },
        );
        await store().close();
        await expect(deposit).resolves.toMatchObject({ id: expect.any(String) });
      });
    });
  });
}
