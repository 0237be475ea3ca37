import { afterEach, describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { FetchedBundleSchema, toBase64Url } from '@parley/core';
import { bundleFor } from '../testing/bundles.node.js';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

describe('the prekey directory', () => {
  it('hands each one-time prekey to one fetcher only and tells the owner when few remain', async () => {
    relay = await startRealtimeRelay();
    const bob = await relay.connect();
    const alice = await relay.connect();
    const carol = await relay.connect();
    expect(await bob.ok('prekeys:publish', { bundle: bundleFor(bob, 21) })).toMatchObject({
      oneTimePreKeys: 21,
    });

    const first = await alice.ok('prekeys:fetch', { identity: bob.identity });
    const second = await carol.ok('prekeys:fetch', { identity: bob.identity });
    FetchedBundleSchema.parse(first.bundle);
    expect(first.bundle.oneTimePreKey?.keyId).not.toBe(second.bundle.oneTimePreKey?.keyId);
    expect(await bob.next('prekeys:low')).toEqual({ remaining: 19 });
  });

  it('refuses a bundle that claims another identity or carries a bad signature', async () => {
    relay = await startRealtimeRelay();
    const bob = await relay.connect();
    const mallory = await relay.connect();
    const stolen = await mallory.request('prekeys:publish', { bundle: bundleFor(bob, 1) });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'BAD_BUNDLE' } });

    const forged = bundleFor(bob, 1);
    forged.signedPreKey.publicKey = toBase64Url(nacl.randomBytes(32));
    const result = await bob.request('prekeys:publish', { bundle: forged });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_SIGNATURE' } });
  });

  it('limits how many bundles one requester may fetch, so nobody drains one-time prekeys alone', async () => {
    relay = await startRealtimeRelay({
      prekeyFetchLimits: {
        perRequester: { points: 3, windowSeconds: 60 },
        perTarget: { points: 100, windowSeconds: 60 },
      },
    });
    const bob = await relay.connect();
    const carol = await relay.connect();
    const mallory = await relay.connect();
    await bob.ok('prekeys:publish', { bundle: bundleFor(bob, 50) });
    await carol.ok('prekeys:publish', { bundle: bundleFor(carol, 50) });
    for (let i = 0; i < 3; i++) await mallory.ok('prekeys:fetch', { identity: bob.identity });
    // Spread over targets or not, the requester's budget is spent.
    for (const target of [bob, carol]) {
      const refused = await mallory.request('prekeys:fetch', { identity: target.identity });
      expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfter: 60 } });
    }
    relay.clock.now += 60_000;
    await mallory.ok('prekeys:fetch', { identity: bob.identity });
  });

  it('limits how many bundles of one target are handed out, whoever asks', async () => {
    relay = await startRealtimeRelay({
      prekeyFetchLimits: {
        perRequester: { points: 100, windowSeconds: 60 },
        perTarget: { points: 2, windowSeconds: 60 },
      },
    });
    const bob = await relay.connect();
    await bob.ok('prekeys:publish', { bundle: bundleFor(bob, 50) });
    // Many identities (a Sybil) together get no more of Bob's keys than the per-target budget.
    const sybils = await Promise.all([relay.connect(), relay.connect(), relay.connect()]);
    const answers = [];
    for (const sybil of sybils)
      answers.push(await sybil.request('prekeys:fetch', { identity: bob.identity }));
    expect(answers.map((answer) => answer.ok)).toEqual([true, true, false]);
    expect(answers[2]).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it('says NOT_FOUND for an identity that never published', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = await relay.connect();
    const result = await alice.request('prekeys:fetch', { identity: bob.identity });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('usernames', () => {
  it('resolves a username case-insensitively to its owner and keeps it from others', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = await relay.connect();
    await alice.ok('username:set', { username: 'Alice.W' });
    expect(await bob.ok('username:resolve', { username: 'alice.w' })).toMatchObject({
      identity: alice.identity,
    });
    expect(await bob.request('username:set', { username: 'ALICE.w' })).toMatchObject({
      ok: false,
      error: { code: 'USERNAME_TAKEN' },
    });
    await alice.ok('username:set', { username: null });
    expect(await bob.request('username:resolve', { username: 'alice.w' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
