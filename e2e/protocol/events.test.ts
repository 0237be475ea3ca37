/**
 * Every event of docs/protocol.md, driven as an outside client: socket.io-client, fetch and node:crypto only.
 * Nothing here imports Parley's code; if the relay and the document disagree, these tests say where.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Client } from './support/client.js';
import { bundle, deviceList, newIdentity, receiptVerifies, type RecallReceipt } from './support/keys.js';
import { startRelayProcess, type RelayProcess } from './support/relay.js';

let relay: RelayProcess;
const clients: Client[] = [];
const client = async (options: Parameters<typeof connect>[1] = {}) => {
  const c = await connect(relay.url, options);
  clients.push(c);
  return c;
};
beforeAll(async () => {
  relay = await startRelayProcess();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await relay.stop();
});

const IDENTITY = /^[A-Za-z0-9_-]{43}$/;

describe('auth', () => {
  it('sends auth:challenge on connect and acks auth with identity, token and TURN credentials', async () => {
    const alice = await client({ skipAuth: true });
    const challenge = alice.challenge();
    expect(challenge.nonce).toMatch(IDENTITY);
    expect(challenge.relayKey).toMatch(IDENTITY);
    expect(challenge.policy).toBe('open');
    expect(challenge.expiresAt).toBeGreaterThan(Date.now());
    const { answerChallenge } = await import('./support/auth.js');
    const ack = await alice.ok('auth', answerChallenge(challenge, alice.identity));
    expect(ack['identity']).toBe(alice.identity.id);
    expect(String(ack['token'])).toMatch(new RegExp(`^v1\\.${alice.identity.id}\\.\\d+\\.[A-Za-z0-9_-]+$`));
    expect(ack['tokenExpiresAt']).toBeGreaterThan(Date.now());
    expect(ack['turn']).toMatchObject({ iceServers: expect.any(Array), expiresAt: expect.any(Number) });
  });

  it('turn:refresh acks fresh TURN credentials', async () => {
    const alice = await client();
    expect(await alice.ok('turn:refresh', {})).toMatchObject({ turn: { iceServers: expect.any(Array) } });
  });
});

describe('sfu', () => {
  it('sfu:token is UNAVAILABLE from a relay that runs no SFU', async () => {
    const alice = await client();
    const room = Buffer.alloc(32, 7).toString('base64url');
    const refused = await alice.request('sfu:token', { room });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});

describe('directory', () => {
  it('prekeys:publish, prekeys:fetch hand each one-time prekey out once; prekeys:low on crossing and on connect', async () => {
    const owner = newIdentity();
    const bob = await client({ identity: owner });
    const published = bundle(owner, 21);
    expect(await bob.ok('prekeys:publish', { bundle: published })).toEqual({ ok: true, oneTimePreKeys: 21 });
    const alice = await client();
    const seen = new Set<number>();
    for (let i = 0; i < 3; i += 1) {
      const { bundle: fetched } = (await alice.ok('prekeys:fetch', { identity: owner.id })) as {
        bundle: { identityKey: string; oneTimePreKey?: { keyId: number }; oneTimePreKeys?: unknown };
      };
      expect(fetched.identityKey).toBe(owner.id);
      expect(fetched.oneTimePreKeys).toBeUndefined();
      seen.add(fetched.oneTimePreKey?.keyId ?? -1);
    }
    expect(seen.size).toBe(3);
    await bob.ok('turn:refresh', {});
    expect(bob.drain('prekeys:low')).toEqual([{ remaining: 19 }]);
    bob.close();
    const again = await client({ identity: owner });
    expect(await again.next('prekeys:low')).toEqual({ remaining: 18 });
  });

  it('devices:publish keeps the signed device list with the highest counter, devices:fetch returns it', async () => {
    const owner = newIdentity();
    const laptop = newIdentity();
    const primary = await client({ identity: owner });
    expect(await primary.ok('devices:publish', { list: deviceList(owner, 1) })).toEqual({
      ok: true,
      counter: 1,
    });
    const linked = deviceList(owner, 2, [laptop]);
    // A linked device the list names may publish it too.
    const fromLaptop = await client({ identity: laptop });
    expect(await fromLaptop.ok('devices:publish', { list: linked })).toEqual({ ok: true, counter: 2 });
    const alice = await client();
    expect(await alice.ok('devices:fetch', { account: owner.id })).toEqual({ ok: true, list: linked });
    // Replaying the older list (to bring back a removed device, or hide a new one) is refused.
    const rollback = await primary.request('devices:publish', { list: deviceList(owner, 1) });
    expect(rollback).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const forged = await primary.request('devices:publish', { list: deviceList(owner, 3, [], laptop) });
    expect(forged).toMatchObject({ ok: false, error: { code: 'INVALID_SIGNATURE' } });
    const stranger = await alice.request('devices:publish', { list: deviceList(owner, 3) });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'ACCESS_DENIED' } });
    const none = await alice.request('devices:fetch', { account: laptop.id });
    expect(none).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('username:set reserves a case-insensitive name, username:resolve finds it, null releases it', async () => {
    const alice = await client();
    const name = `conf_${Date.now()}`;
    await alice.ok('username:set', { username: name.toUpperCase() });
    expect(await alice.ok('username:resolve', { username: name })).toEqual({
      ok: true,
      identity: alice.identity.id,
    });
    await alice.ok('username:set', { username: null });
    expect((await alice.request('username:resolve', { username: name })).ok).toBe(false);
  });
});

describe('signalling', () => {
  it('signal is forwarded with from set by the relay, and says whether the peer was connected', async () => {
    const alice = await client();
    const bob = await client();
    const data = { type: 'offer', sdp: 'v=0\r\n' };
    expect(await alice.ok('signal', { to: bob.identity.id, linkId: 'link-1', data })).toEqual({
      ok: true,
      delivered: true,
    });
    expect(await bob.next('signal')).toEqual({
      from: alice.identity.id,
      linkId: 'link-1',
      kind: 'data',
      data,
    });
    const candidate = {
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    };
    await alice.ok('signal', { to: bob.identity.id, linkId: 'link-1', kind: 'call', data: candidate });
    expect(await bob.next('signal')).toMatchObject({ kind: 'call', data: candidate });
    const absent = newIdentity();
    expect(await alice.ok('signal', { to: absent.id, linkId: 'x', data: { renegotiate: true } })).toEqual({
      ok: true,
      delivered: false,
    });
  });

  it("forwards a linked device's account claim unchanged, and refuses one that is not an identity", async () => {
    const laptop = await client();
    const bob = await client();
    const account = newIdentity().id;
    const data = { sealed: 'c2VhbGVk' };
    await laptop.ok('signal', { to: bob.identity.id, linkId: 'link-2', data, account });
    expect(await bob.next('signal')).toEqual({
      from: laptop.identity.id,
      linkId: 'link-2',
      kind: 'data',
      data,
      account,
    });
    const bad = await laptop.request('signal', { to: bob.identity.id, linkId: 'l', data, account: 'short' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(bob.drain('signal')).toEqual([]);
  });

  it('typing is forwarded as typing', async () => {
    const alice = await client();
    const bob = await client();
    await alice.ok('typing', { to: bob.identity.id, typing: true });
    expect(await bob.next('typing')).toEqual({ from: alice.identity.id, typing: true });
  });
});

describe('presence', () => {
  it('presence:subscribe answers only targets that allow the subscriber; presence events follow', async () => {
    const alice = await client();
    const bobIdentity = newIdentity();
    const bob = await client({ identity: bobIdentity });
    const carol = await client();
    await bob.ok('presence:visibility', { allow: [alice.identity.id], lastSeen: true });
    expect(await alice.ok('presence:subscribe', { identities: [bobIdentity.id] })).toEqual({
      ok: true,
      presence: [{ identity: bobIdentity.id, online: true }],
    });
    expect(await carol.ok('presence:subscribe', { identities: [bobIdentity.id] })).toEqual({
      ok: true,
      presence: [],
    });
    bob.close();
    const offline = await alice.next('presence');
    expect(offline).toMatchObject({ identity: bobIdentity.id, online: false, lastSeen: expect.any(Number) });
    expect(carol.drain('presence')).toEqual([]);
  });
});

describe('offline blobs', () => {
  it('blob:deposit, blob, blob:ack, blob:delivered, notice:ack', async () => {
    const alice = await client();
    const bobIdentity = newIdentity();
    const deposit = await alice.ok('blob:deposit', {
      recipients: [bobIdentity.id],
      payload: Buffer.from('hello'),
    });
    expect(deposit).toMatchObject({
      id: expect.any(String),
      depositedAt: expect.any(Number),
      expiresAt: expect.any(Number),
    });
    const bob = await client({ identity: bobIdentity });
    const blob = await bob.next('blob');
    expect(Object.keys(blob).sort()).toEqual(['depositedAt', 'expiresAt', 'id', 'payload']);
    expect(Buffer.from(blob['payload'] as ArrayBuffer).toString()).toBe('hello');
    expect(await bob.ok('blob:ack', { ids: [deposit['id']] })).toEqual({ ok: true, acknowledged: 1 });
    const notice = await alice.next('blob:delivered');
    expect(notice).toMatchObject({
      id: deposit['id'],
      recipient: bobIdentity.id,
      deliveredAt: expect.any(Number),
    });
    expect(
      await alice.ok('notice:ack', { notices: [{ id: deposit['id'], recipient: bobIdentity.id }] }),
    ).toEqual({
      ok: true,
      acknowledged: 1,
    });
  });

  it('blob:recall returns a receipt signed by the relay key that tells pushed from never sent', async () => {
    const alice = await client();
    const bob = await client();
    const carol = newIdentity();
    const { id } = await alice.ok('blob:deposit', {
      recipients: [bob.identity.id, carol.id],
      payload: Buffer.from('oops'),
    });
    await bob.next('blob'); // pushed to bob, not acknowledged
    const { receipt } = (await alice.ok('blob:recall', { id })) as unknown as { receipt: RecallReceipt };
    expect(receipt).toMatchObject({ blobId: id, recalledFor: [carol.id], deliveredTo: [bob.identity.id] });
    expect(receipt.relayKey).toBe(alice.challenge().relayKey);
    expect(receiptVerifies(receipt)).toBe(true);
    expect(receiptVerifies({ ...receipt, recalledFor: [] })).toBe(false);
  });
});

describe('operations', () => {
  it('logs one line per client event with its name and outcome, and no identity', async () => {
    const alice = await client();
    await alice.ok('turn:refresh', {});
    const line = await relay.logLine((l) => l['msg'] === 'event' && l['event'] === 'turn:refresh');
    expect(line['outcome']).toBe('ok');
    expect(JSON.stringify(relay.logs.filter((l) => l['msg'] === 'event'))).not.toContain(alice.identity.id);
  });
});
