import { describe, expect, it } from 'vitest';
import { InMemoryEngineStateStore } from '../shared/state-store.js';
import type { EngineTimers } from '../platform.js';
import { OWED_RECEIPT_PREFIX, ReceiptBatcher, owedReceiptKey } from './receipts.js';

/** Timers that fire only when told: the window is open until `fire()`. */
function heldTimers(): EngineTimers & { fire(): void } {
  const waiting = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (callback) => {
      waiting.set(++next, callback);
      return next;
    },
    clearTimeout: (handle) => void waiting.delete(handle as number),
    fire: () => {
      const callbacks = [...waiting.values()];
      waiting.clear();
      for (const callback of callbacks) callback();
    },
  };
}

const bob = { name: 'bob-account', deviceId: 1 };

describe('delivered receipts', () => {
  it('coalesces a window into one receipt and pays the owed rows once it is in the outbox', async () => {
    const store = new InMemoryEngineStateStore();
    const timers = heldTimers();
    const sent: string[][] = [];
    const batcher = new ReceiptBatcher(
      timers,
      25,
      async (_to, ids) => void sent.push([...ids]),
      () => {},
      store,
    );
    for (const id of ['m1', 'm2']) {
      await store.put(owedReceiptKey(bob, id), { to: bob, ids: [id] });
      batcher.delivered(bob, [id], owedReceiptKey(bob, id));
    }
    expect(sent).toEqual([]);
    timers.fire();
    await batcher.flush();
    expect(sent).toEqual([['m1', 'm2']]);
    expect(await store.keys(OWED_RECEIPT_PREFIX)).toEqual([]);
  });

  it('sends on the next start what a run that died inside the window owed, and drops rows it cannot read', async () => {
    const store = new InMemoryEngineStateStore();
    await store.put(owedReceiptKey(bob, 'm1'), { to: bob, ids: ['m1', 'm2'] });
    await store.put(`${OWED_RECEIPT_PREFIX}junk`, { to: 'nobody' });
    const sent: { to: string; ids: string[] }[] = [];
    const batcher = new ReceiptBatcher(
      heldTimers(),
      3_600_000,
      async (to, ids) => void sent.push({ to: to.name, ids: [...ids] }),
      () => {},
      store,
    );
    await batcher.recover();
    expect(sent).toEqual([{ to: 'bob-account', ids: ['m1', 'm2'] }]);
    expect(await store.keys(OWED_RECEIPT_PREFIX)).toEqual([]);
  });

  it('keeps the debt when writing the receipt fails, for the next start', async () => {
    const store = new InMemoryEngineStateStore();
    await store.put(owedReceiptKey(bob, 'm1'), { to: bob, ids: ['m1'] });
    const reported: unknown[] = [];
    const batcher = new ReceiptBatcher(
      heldTimers(),
      25,
      async () => {
        throw new Error('disk full');
      },
      (error) => reported.push(error),
      store,
    );
    await batcher.recover();
    expect(reported).toHaveLength(1);
    expect(await store.keys(OWED_RECEIPT_PREFIX)).toEqual([owedReceiptKey(bob, 'm1')]);
  });
});
