import { afterEach, describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { fromBase64Url, recallReceiptMessage, toBase64Url } from '@parley/core';
import { makeIdentity } from '../testing/client.node.js';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

const bytes = (text: string) => Buffer.from(text);
const text = (payload: Uint8Array | ArrayBuffer) => Buffer.from(payload as Uint8Array).toString();

describe('offline messages', () => {
  it('delivers messages deposited while the recipient was offline, in order, when it connects', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = makeIdentity();
    const ids: string[] = [];
    for (let i = 0; i < 250; i += 1) {
      ids.push((await alice.ok('blob:deposit', { recipients: [bob.id], payload: bytes(`m${i}`) })).id);
    }
    const bobClient = await relay.connect({ identity: bob });
    const received: string[] = [];
    for (let i = 0; i < 250; i += 1) received.push((await bobClient.next('blob')).id);
    expect(received).toEqual(ids);
  });

  it('keeps order when new messages arrive while the backlog is still being sent', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = makeIdentity();
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 1) {
      ids.push((await alice.ok('blob:deposit', { recipients: [bob.id], payload: bytes(`old${i}`) })).id);
    }
    const connecting = relay.connect({ identity: bob });
    const live = Array.from({ length: 50 }, (_, i) =>
      alice.ok('blob:deposit', { recipients: [bob.id], payload: bytes(`new${i}`) }),
    );
    const bobClient = await connecting;
    ids.push(...(await Promise.all(live)).map((result) => result.id));
    const seen: string[] = [];
    while (seen.length < ids.length) {
      const blob = await bobClient.next('blob');
      if (!seen.includes(blob.id)) seen.push(blob.id);
    }
    // Old ones first in deposit order; each new one after every old one and in its own deposit order.
    expect(seen.slice(0, 300)).toEqual(ids.slice(0, 300));
    expect([...seen.slice(300)].sort()).toEqual([...ids.slice(300)].sort());
  });

  it('fans one deposit out to every recipient and every device, live', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = makeIdentity();
    const bobPhone = await relay.connect({ identity: bob });
    const bobLaptop = await relay.connect({ identity: bob });
    const carol = await relay.connect();
    const deposit = await alice.ok('blob:deposit', {
      recipients: [bob.id, carol.identity, bob.id],
      payload: bytes('hello group'),
    });
    for (const client of [bobPhone, bobLaptop, carol]) {
      const blob = await client.next('blob');
      expect(blob).toMatchObject({
        id: deposit.id,
        depositedAt: deposit.depositedAt,
        expiresAt: deposit.expiresAt,
      });
      expect(text(blob.payload)).toBe('hello group');
    }
  });

  it('tells the sender each delivery, and repeats the notice until the sender acknowledges it', async () => {
    relay = await startRealtimeRelay();
    const aliceIdentity = makeIdentity();
    const alice = await relay.connect({ identity: aliceIdentity });
    const bob = await relay.connect();
    const { id } = await alice.ok('blob:deposit', { recipients: [bob.identity], payload: bytes('hi') });
    await bob.next('blob');
    expect(await bob.ok('blob:ack', { ids: [id] })).toMatchObject({ acknowledged: 1 });
    expect(await bob.ok('blob:ack', { ids: [id] })).toMatchObject({ acknowledged: 0 });
    const notice = await alice.next('blob:delivered');
    expect(notice).toEqual({ id, recipient: bob.identity, deliveredAt: relay.clock.now });

    alice.close();
    const again = await relay.connect({ identity: aliceIdentity });
    expect(await again.next('blob:delivered')).toEqual(notice);
    await again.ok('notice:ack', { notices: [{ id, recipient: bob.identity }] });
    again.close();
    const third = await relay.connect({ identity: aliceIdentity });
    await third.ok('turn:refresh', {});
    expect(third.received('blob:delivered')).toEqual([]);
  });

  it('does not deliver a message after it expired', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = makeIdentity();
    await alice.ok('blob:deposit', { recipients: [bob.id], payload: bytes('short'), ttlSeconds: 60 });
    const keeper = await alice.ok('blob:deposit', { recipients: [bob.id], payload: bytes('long') });
    relay.clock.now += 61_000;
    const bobClient = await relay.connect({ identity: bob });
    expect((await bobClient.next('blob')).id).toBe(keeper.id);
    await bobClient.ok('turn:refresh', {});
    expect(bobClient.received('blob')).toEqual([]);
  });

  it('never lets a sender keep a message longer than the relay allows', async () => {
    relay = await startRealtimeRelay({ blobTtlSeconds: 100 });
    const alice = await relay.connect();
    const result = await alice.ok('blob:deposit', {
      recipients: [makeIdentity().id],
      payload: bytes('x'),
      ttlSeconds: 10_000,
    });
    expect(result.expiresAt - result.depositedAt).toBe(100_000);
  });

  it('refuses deposits past the sender quota', async () => {
    relay = await startRealtimeRelay({ blobQuota: { maxBlobs: 2, maxBytes: 1_000_000 } });
    const alice = await relay.connect();
    const to = [makeIdentity().id];
    await alice.ok('blob:deposit', { recipients: to, payload: bytes('1') });
    await alice.ok('blob:deposit', { recipients: to, payload: bytes('2') });
    expect(await alice.request('blob:deposit', { recipients: to, payload: bytes('3') })).toMatchObject({
      ok: false,
      error: { code: 'QUOTA_EXCEEDED' },
    });
  });
});

describe('recall', () => {
  it('deletes undelivered copies and returns a receipt signed by the relay key', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = await relay.connect();
    const carol = makeIdentity();
    const { id } = await alice.ok('blob:deposit', {
      recipients: [bob.identity, carol.id],
      payload: bytes('oops'),
    });
    await bob.next('blob');
    await bob.ok('blob:ack', { ids: [id] });
    const { receipt } = await alice.ok('blob:recall', { id });
    expect(receipt).toMatchObject({ blobId: id, recalledFor: [carol.id], deliveredTo: [bob.identity] });
    expect(receipt.relayKey).toBe(alice.challenge().relayKey);
    const { signature, ...body } = receipt;
    const valid = nacl.sign.detached.verify(
      recallReceiptMessage(body),
      fromBase64Url(signature),
      fromBase64Url(receipt.relayKey),
    );
    expect(valid).toBe(true);

    const carolClient = await relay.connect({ identity: carol });
    await carolClient.ok('turn:refresh', {});
    expect(carolClient.received('blob')).toEqual([]);
  });

  it('says ALREADY_DELIVERED when every recipient had it, and NOT_FOUND for others’ messages', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = await relay.connect();
    const { id } = await alice.ok('blob:deposit', { recipients: [bob.identity], payload: bytes('x') });
    await bob.next('blob');
    await bob.ok('blob:ack', { ids: [id] });
    expect(await alice.request('blob:recall', { id })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_DELIVERED' },
    });
    const other = await alice.ok('blob:deposit', { recipients: [bob.identity], payload: bytes('y') });
    expect(await bob.request('blob:recall', { id: other.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(toBase64Url(new Uint8Array(32)).length).toBe(43);
  });
});
