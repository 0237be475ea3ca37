import { afterEach, describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { defaultConfig } from '../config.js';
import { bundleFor } from '../testing/bundles.node.js';
import { makeIdentity } from '../testing/client.node.js';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

const bytes = (text: string) => Buffer.from(text);
const limits = (overrides: Partial<ReturnType<typeof defaultConfig>['rateLimits']>) => ({
  ...defaultConfig().rateLimits,
  perConnection: { points: 100_000, windowSeconds: 1 },
  perIdentity: { points: 100_000, windowSeconds: 1 },
  authPerAddress: { points: 100_000, windowSeconds: 1 },
  ...overrides,
});

describe('recall receipts', () => {
  it('never claims "never received" for a copy already pushed to a connected recipient', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = await relay.connect();
    const carol = makeIdentity();
    const { id } = await alice.ok('blob:deposit', {
      recipients: [bob.identity, carol.id],
      payload: bytes('x'),
    });
    await bob.next('blob'); // pushed, read, not acknowledged
    const { receipt } = await alice.ok('blob:recall', { id });
    expect(receipt.recalledFor).toEqual([carol.id]);
    expect(receipt.deliveredTo).toEqual([bob.identity]);
    // The relay forgot the blob: a second recall finds nothing, and bob's late ack changes nothing.
    expect(await alice.request('blob:recall', { id })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await bob.ok('blob:ack', { ids: [id] })).toEqual({ ok: true, acknowledged: 0 });
  });

  it('answers ALREADY_DELIVERED while a notice is pending, NOT_FOUND once the sender acknowledged it', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = await relay.connect();
    const { id } = await alice.ok('blob:deposit', { recipients: [bob.identity], payload: bytes('x') });
    await bob.next('blob');
    await bob.ok('blob:ack', { ids: [id] });
    const notice = await alice.next('blob:delivered');
    expect(await alice.request('blob:recall', { id })).toMatchObject({
      error: { code: 'ALREADY_DELIVERED' },
    });
    await alice.ok('notice:ack', { notices: [{ id, recipient: notice.recipient }] });
    expect(await alice.request('blob:recall', { id })).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('prekeys:low', () => {
  it('is sent on connect while the supply is low, and not on every fetch', async () => {
    relay = await startRealtimeRelay();
    const owner = makeIdentity();
    const first = await relay.connect({ identity: owner });
    await first.ok('prekeys:publish', { bundle: bundleFor(owner, 21) });
    const fetcher = await relay.connect();
    await fetcher.ok('prekeys:fetch', { identity: owner.id }); // 20 left: not low
    await fetcher.ok('prekeys:fetch', { identity: owner.id }); // 19: crossed
    await fetcher.ok('prekeys:fetch', { identity: owner.id }); // 18: already told
    await fetcher.ok('turn:refresh', {});
    expect(first.received('prekeys:low')).toEqual([{ remaining: 19 }]);
    first.close();
    // Offline meanwhile: told again when it comes back.
    const again = await relay.connect({ identity: owner });
    expect(await again.next('prekeys:low')).toEqual({ remaining: 18 });
  });
});

describe('logins behind a trusted proxy', () => {
  it('locks out the address that sends bad signatures, not everyone behind the proxy', async () => {
    relay = await startRealtimeRelay({
      trustedProxies: ['127.0.0.1'],
      rateLimits: limits({ authFailuresPerAddress: { points: 3, windowSeconds: 60 } }),
    });
    const attacker = { 'x-forwarded-for': '198.51.100.66' };
    for (let i = 0; i < 4; i += 1) {
      const client = await relay.connect({ skipAuth: true, headers: attacker });
      const victim = makeIdentity();
      const forged = await client.request('auth', {
        identity: victim.id,
        signature: client.sign(),
        relayHost: client.relayHost,
      });
      expect(forged).toMatchObject({ ok: false, error: { code: i < 3 ? 'AUTH_FAILED' : 'RATE_LIMITED' } });
    }
    // Another client behind the same proxy logs in; so does the identity the attacker claimed.
    const honest = await relay.connect({ headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(honest.auth?.identity).toBe(honest.identity);
    // A forged X-Forwarded-For in front of the proxy's own entry does not help: the proxy's entry is used.
    const spoof = await relay.connect({
      skipAuth: true,
      headers: { 'x-forwarded-for': '203.0.113.5, 198.51.100.66' },
    });
    const keys = nacl.sign.keyPair();
    expect(
      await spoof.request('auth', {
        identity: spoof.identity,
        signature: spoof.sign(keys),
        relayHost: spoof.relayHost,
      }),
    ).toMatchObject({
      error: { code: 'RATE_LIMITED' },
    });
  });

  it('counts successes apart: many good logins from one address never lock it', async () => {
    relay = await startRealtimeRelay({
      rateLimits: limits({ authFailuresPerAddress: { points: 2, windowSeconds: 60 } }),
    });
    for (let i = 0; i < 10; i += 1) expect((await relay.connect()).auth).toBeDefined();
  });
});

describe('open relays', () => {
  it('admits a bounded number of new identities per address; known identities always log in', async () => {
    relay = await startRealtimeRelay({
      rateLimits: limits({ admissionsPerAddress: { points: 2, windowSeconds: 3600 } }),
    });
    const known = makeIdentity();
    await relay.connect({ identity: known });
    await relay.connect();
    const refused = await relay.connect().catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await relay.connect({ identity: known })).auth).toBeDefined();
    relay.clock.now += 3600 * 1000;
    expect((await relay.connect()).auth).toBeDefined();
  });

  it('refuses deposits past the relay-wide storage ceiling with a clear error, and accepts again once collected', async () => {
    relay = await startRealtimeRelay({ storageMaxBytes: 1000 });
    const alice = await relay.connect();
    const bob = await relay.connect();
    const { id } = await alice.ok('blob:deposit', {
      recipients: [bob.identity],
      payload: new Uint8Array(900),
    });
    const full = await alice.request('blob:deposit', {
      recipients: [bob.identity],
      payload: new Uint8Array(200),
    });
    expect(full).toMatchObject({
      ok: false,
      error: { code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/storage is full/) },
    });
    await bob.next('blob');
    await bob.ok('blob:ack', { ids: [id] });
    expect(
      (await alice.request('blob:deposit', { recipients: [bob.identity], payload: new Uint8Array(200) })).ok,
    ).toBe(true);
  });
});
