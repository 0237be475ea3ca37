import { checkSfuToken, fromBase64Url, toBase64Url } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyEd25519 } from '../auth/ed25519.node.js';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

const room = toBase64Url(new Uint8Array(32).fill(7));
const SFU_URL = 'https://sfu.example.test';

describe('sfu:token', () => {
  it('signs a short-lived token for the caller and the room it names, checkable with the relay key alone', async () => {
    relay = await startRealtimeRelay({ sfu: { url: SFU_URL, tokenTtlSeconds: 60 } });
    const alice = await relay.connect();
    const granted = await alice.ok('sfu:token', { room });
    expect(granted.url).toBe(SFU_URL);
    expect(granted.expiresAt).toBe(relay.clock.now + 60_000);
    const info = (await (await fetch(`${relay.relay.url}/v1/relay`)).json()) as {
      relayKey: string;
      sfu: { url: string } | null;
    };
    expect(info.sfu).toEqual({ url: SFU_URL });
    const relayKey = fromBase64Url(info.relayKey);
    const check = checkSfuToken(
      granted.token,
      (message, signature) => verifyEd25519(relayKey, message, signature),
      relay.clock.now,
    );
    expect(check).toEqual({
      ok: true,
      body: { v: 1, identity: alice.identity, room, exp: granted.expiresAt },
    });
  });

  it('is refused before authentication and when the relay runs no SFU', async () => {
    relay = await startRealtimeRelay();
    const anonymous = await relay.connect({ skipAuth: true });
    expect(await anonymous.request('sfu:token', { room })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_REQUIRED' },
    });
    const alice = await relay.connect();
    expect(await alice.request('sfu:token', { room })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    const info = (await (await fetch(`${relay.relay.url}/v1/relay`)).json()) as { sfu: unknown };
    expect(info.sfu).toBeNull();
  });

  it('rejects a room id that is not 32 bytes', async () => {
    relay = await startRealtimeRelay({ sfu: { url: SFU_URL, tokenTtlSeconds: 60 } });
    const alice = await relay.connect();
    expect(await alice.request('sfu:token', { room: 'general' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});
