import { afterEach, describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import {
  AuthChallengeSchema,
  AuthResultSchema,
  authChallengeMessage,
  fromBase64Url,
  toBase64Url,
} from '@parley/core';
import { sha256Hex } from '../auth/otp.node.js';
import { makeIdentity } from '../testing/client.node.js';
import { startOtpWebhook } from '../testing/otp-webhook.node.js';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

describe('the auth handshake', () => {
  it('admits a client that signs the challenge and hands it a token and TURN grant', async () => {
    relay = await startRealtimeRelay();
    const client = await relay.connect();
    expect(AuthChallengeSchema.parse(client.challenge()).policy).toBe('open');
    const auth = AuthResultSchema.parse(client.auth);
    expect(auth.identity).toBe(client.identity);
    expect(relay.relay.context.tokens.verify(auth.token, relay.clock.now)).toBe(client.identity);
    expect(auth.turn.iceServers).toEqual([]);
  });

  it('refuses a signature made by another key and sends a fresh challenge', async () => {
    relay = await startRealtimeRelay();
    const client = await relay.connect({ skipAuth: true });
    const first = client.challenge();
    const result = await client.request('auth', {
      identity: client.identity,
      signature: client.sign(nacl.sign.keyPair()),
      relayHost: client.relayHost,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    const fresh = await client.next('auth:challenge');
    expect(fresh.nonce).not.toBe(first.nonce);
  });

  it('refuses a replayed answer to a challenge that was already used', async () => {
    relay = await startRealtimeRelay();
    const client = await relay.connect({ skipAuth: true });
    const signature = client.sign();
    // Spend the challenge with a wrong answer, then replay the right one against it.
    await client.request('auth', {
      identity: client.identity,
      signature: client.sign(nacl.sign.keyPair()),
      relayHost: client.relayHost,
    });
    await client.next('auth:challenge');
    const replay = await client.request('auth', {
      identity: client.identity,
      signature,
      relayHost: client.relayHost,
    });
    expect(replay).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    const good = await client.request('auth', {
      identity: client.identity,
      signature: client.sign(),
      relayHost: client.relayHost,
    });
    expect(good.ok).toBe(true);
  });

  it('refuses a login signed for the relay the client dialled when that is another relay', async () => {
    relay = await startRealtimeRelay();
    const client = await relay.connect({ skipAuth: true });
    const challenge = client.challenge();
    // What relay E gets from a victim it handed this relay's challenge: a signature naming E's host.
    const elsewhere = 'relay-e.example:7777';
    const message = authChallengeMessage(
      fromBase64Url(challenge.nonce),
      client.keys.publicKey,
      fromBase64Url(challenge.relayKey),
      elsewhere,
    );
    const signature = toBase64Url(nacl.sign.detached(message, client.keys.secretKey));
    for (const relayHost of [elsewhere, client.relayHost]) {
      const result = await client.request('auth', { identity: client.identity, signature, relayHost });
      expect(result, relayHost).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
      await client.next('auth:challenge');
    }
  });

  it('refuses a login signed for another relay key, and a v1 signature that names no relay', async () => {
    relay = await startRealtimeRelay();
    const client = await relay.connect({ skipAuth: true });
    const nonce = fromBase64Url(client.challenge().nonce);
    const otherKey = nacl.sign.keyPair().publicKey;
    const forOtherKey = authChallengeMessage(nonce, client.keys.publicKey, otherKey, client.relayHost);
    const bad = await client.request('auth', {
      identity: client.identity,
      signature: toBase64Url(nacl.sign.detached(forOtherKey, client.keys.secretKey)),
      relayHost: client.relayHost,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    const fresh = fromBase64Url((await client.next('auth:challenge')).nonce);
    const v1 = new Uint8Array([
      ...new TextEncoder().encode('parley/relay-auth/v1'),
      0,
      ...fresh,
      ...client.keys.publicKey,
    ]);
    const old = await client.request('auth', {
      identity: client.identity,
      signature: toBase64Url(nacl.sign.detached(v1, client.keys.secretKey)),
      relayHost: client.relayHost,
    });
    expect(old).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
  });

  it('refuses an answer that arrives after the challenge expired', async () => {
    relay = await startRealtimeRelay({ challengeTtlSeconds: 30 });
    const client = await relay.connect({ skipAuth: true });
    relay.clock.now += 31_000;
    const result = await client.request('auth', {
      identity: client.identity,
      signature: client.sign(),
      relayHost: client.relayHost,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'CHALLENGE_EXPIRED' } });
  });

  it('answers every other event with AUTH_REQUIRED until the client authenticates', async () => {
    relay = await startRealtimeRelay();
    const client = await relay.connect({ skipAuth: true });
    const peer = makeIdentity();
    for (const [event, payload] of [
      ['prekeys:fetch', { identity: peer.id }],
      ['username:resolve', { username: 'alice' }],
      ['blob:deposit', { recipients: [peer.id], payload: Buffer.from('x') }],
      ['turn:refresh', {}],
    ] as const) {
      const result = await client.request(event, payload as never);
      expect(result, event).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    }
  });

  it('refuses a second auth on an authenticated connection', async () => {
    relay = await startRealtimeRelay();
    const client = await relay.connect();
    const again = await client.request('auth', {
      identity: client.identity,
      signature: client.sign(),
      relayHost: client.relayHost,
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_AUTHENTICATED' } });
  });

  it('hands out TURN credentials in coturn REST format when a secret is configured', async () => {
    relay = await startRealtimeRelay({
      turn: {
        urls: ['turn:127.0.0.1:3478'],
        stunUrls: ['stun:127.0.0.1:3478'],
        secret: 's3cret',
        ttlSeconds: 600,
      },
    });
    const client = await relay.connect();
    const refreshed = await client.ok('turn:refresh', {});
    const turnServer = refreshed.turn.iceServers[1];
    expect(refreshed.turn.iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] });
    expect(turnServer?.username).toBe(`${Math.floor(refreshed.turn.expiresAt / 1000)}:${client.identity}`);
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha1', 's3cret')
      .update(turnServer?.username ?? '')
      .digest('base64');
    expect(turnServer?.credential).toBe(expected);
  });
});

describe('the invite policy', () => {
  it('admits a new identity with an unspent invite once, then without one', async () => {
    relay = await startRealtimeRelay({
      access: { policy: 'invite', otpSender: { kind: 'console' }, otpMaxAttempts: 5, otpTtlSeconds: 600 },
    });
    const store = relay.relay.context.store;
    await store.access.createInvite(sha256Hex('welcome-token'), 1, relay.clock.now + 60_000);
    const alice = makeIdentity();
    await expect(relay.connect({ identity: alice })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(relay.connect({ identity: alice, invite: 'wrong' })).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
    const admitted = await relay.connect({ identity: alice, invite: 'welcome-token' });
    admitted.close();
    await expect(relay.connect({ invite: 'welcome-token' })).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
    // Admitted once: the signature alone is enough from now on.
    await expect(relay.connect({ identity: alice })).resolves.toBeDefined();
  });
});

describe('the one-time code policy', () => {
  it('admits an identity with the code the webhook delivered, and locks after too many wrong codes', async () => {
    const hook = await startOtpWebhook();
    try {
      relay = await startRealtimeRelay({
        access: {
          policy: 'otp',
          otpSender: { kind: 'webhook', url: hook.url, secret: 'hook-secret' },
          otpMaxAttempts: 3,
          otpTtlSeconds: 600,
        },
      });
      const address = { channel: 'email' as const, address: 'alice@example.org' };
      const asker = await relay.connect({ skipAuth: true });
      expect((await asker.request('otp:request', address)).ok).toBe(true);
      const sent = hook.bodies[0];
      expect(sent?.body).toMatchObject({ ...address, code: expect.stringMatching(/^\d{6}$/) });
      const { createHmac } = await import('node:crypto');
      const mac = createHmac('sha256', 'hook-secret').update(JSON.stringify(sent?.body)).digest('hex');
      expect(sent?.signature).toBe(`sha256=${mac}`);
      const code = sent?.body['code'] ?? '';

      const wrong = code === '000000' ? '111111' : '000000';
      await expect(relay.connect({ otp: { ...address, code: wrong } })).rejects.toMatchObject({
        code: 'OTP_INVALID',
      });
      const alice = await relay.connect({ otp: { ...address, code } });
      expect(alice.auth?.identity).toBe(alice.identity);
      // The code was consumed by Alice.
      await expect(relay.connect({ otp: { ...address, code } })).rejects.toMatchObject({
        code: 'OTP_INVALID',
      });

      await asker.ok('otp:request', address);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await expect(relay.connect({ otp: { ...address, code: wrong } })).rejects.toBeDefined();
      }
      const fresh = hook.bodies[1]?.body['code'] ?? '';
      await expect(relay.connect({ otp: { ...address, code: fresh } })).rejects.toMatchObject({
        code: 'OTP_LOCKED',
      });
    } finally {
      await hook.close();
    }
  });

  it('limits how many codes one connection may request', async () => {
    const hook = await startOtpWebhook();
    try {
      relay = await startRealtimeRelay({
        access: {
          policy: 'otp',
          otpSender: { kind: 'webhook', url: hook.url },
          otpMaxAttempts: 3,
          otpTtlSeconds: 600,
        },
      });
      const asker = await relay.connect({ skipAuth: true });
      const results = [];
      for (let i = 0; i < 4; i += 1) {
        results.push(await asker.request('otp:request', { channel: 'sms', address: `+4930123456${i}` }));
      }
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
      expect(results[3]).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect(hook.bodies[0]?.signature).toBeUndefined();
    } finally {
      await hook.close();
    }
  });
});
