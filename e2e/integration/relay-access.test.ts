import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ParleyClient,
  fetchRelayInfo,
  requestOneTimeCode,
  type FetchLike,
  type RelaySocket,
} from '@parley/core';
import { scenario, until } from './support/harness.js';

const s = scenario();
afterEach(s.teardown);

const fetch = globalThis.fetch as unknown as FetchLike;
const socketFactory = (url: string) =>
  io(url, { transports: ['websocket'], autoConnect: false, forceNew: true }) as unknown as RelaySocket;
const otpConfig = { otpSender: { kind: 'console' as const }, otpMaxAttempts: 5, otpTtlSeconds: 600 };

/** An SMS/e-mail gateway on loopback: the relay's webhook OTP sender posts every code here. */
async function gateway() {
  const codes: { address: string; code: string }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      codes.push(JSON.parse(text) as { address: string; code: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/otp`;
  return { url, codes, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('relay access policies', () => {
  it('tells onboarding that an open relay needs nothing, and connects without a credential', async () => {
    await s.setupWith({});
    const info = await fetchRelayInfo(s.relay().url, fetch);
    expect(info.policy).toBe('open');
    expect(info.relayKey.length).toBeGreaterThan(40);
    const alice = await s.device('alice').start();
    await until(() => alice.connected, 'connected');
  });

  it('admits a new identity with a valid invite after a wrong one was refused, and later without it', async () => {
    await s.setupWith({ access: { policy: 'invite', ...otpConfig } });
    expect((await fetchRelayInfo(s.relay().url, fetch)).policy).toBe('invite');
    const token = 'invite-for-alice-0123456789';
    await s
      .relay()
      .relay.context.store.access.createInvite(
        createHash('sha256').update(token).digest('hex'),
        1,
        Date.now() + 3_600_000,
      );

    const nobody = await s.device('nobody').start();
    await until(() => nobody.access.denied !== undefined, 'refusal without invite');
    expect(nobody.access.denied?.code).toBe('ACCESS_DENIED');

    const device = s.device('alice', { access: { invite: 'not-the-invite' } });
    const alice = await device.start();
    const denied: string[] = [];
    alice.on('access-denied', ({ error }) => denied.push(error.code));
    await until(() => alice.access.denied !== undefined, 'refusal of a wrong invite');
    expect(alice.access.denied?.code).toBe('INVITE_INVALID');
    expect(alice.connected).toBe(false);

    alice.access.set({ invite: token });
    await until(() => alice.connected, 'admitted with the invite');
    expect(alice.access.denied).toBeUndefined();
    // The wrong invite was shown once, not replayed against every fresh challenge.
    expect(denied.length).toBeLessThanOrEqual(1);

    // Admitted once: a restart needs no invite (the invite had one use, and it is spent).
    await device.stop();
    const again = await ParleyClient.start({ ...device.clientOptions(), access: { invite: token } });
    device.client = again;
    await until(() => again.connected, 'reconnected after restart');
  });

  it('sends a one-time code, refuses a wrong one and admits the right one', async () => {
    const hook = await gateway();
    try {
      await s.setupWith({
        access: { ...otpConfig, policy: 'otp', otpSender: { kind: 'webhook', url: hook.url } },
      });
      const relayUrl = s.relay().url;
      expect((await fetchRelayInfo(relayUrl, fetch)).policy).toBe('otp');
      const address = { channel: 'email' as const, address: 'alice@example.org' };
      await expect(
        requestOneTimeCode({ relayUrl, socketFactory, address: { channel: 'email', address: 'nope' } }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await requestOneTimeCode({ relayUrl, socketFactory, address });
      const code = hook.codes[0]?.code ?? '';
      expect(code).toMatch(/^\d{6}$/);

      const wrong = code === '000000' ? '111111' : '000000';
      const alice = await s.device('alice', { access: { otp: { ...address, code: wrong } } }).start();
      await until(() => alice.access.denied !== undefined, 'refusal of a wrong code');
      expect(alice.access.denied?.code).toBe('OTP_INVALID');
      expect(() => alice.access.set({ otp: { ...address, code: '12ab' } })).toThrow(/six digits/);

      // A refused client asks for a fresh code on its own (still unauthenticated) connection.
      await alice.access.requestOneTimeCode(address);
      const fresh = hook.codes[1]?.code ?? '';
      expect(fresh).toMatch(/^\d{6}$/);
      alice.access.set({ otp: { ...address, code: fresh } });
      await until(() => alice.connected, 'admitted with the code');
    } finally {
      await hook.close();
    }
  });

  it('refuses a malformed credential before connecting, and asks a relay for codes only if it uses them', async () => {
    await s.setupWith({});
    const device = s.device('alice');
    await expect(
      ParleyClient.start({ ...device.clientOptions(), access: { invite: '' } }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      requestOneTimeCode({
        relayUrl: s.relay().url,
        socketFactory,
        address: { channel: 'sms', address: '+441234567890' },
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/does not use one-time codes/),
    });
    await expect(fetchRelayInfo('ftp://example.org', fetch)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
