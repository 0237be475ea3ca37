import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { CLIENT_EVENTS } from '@parley/core';
import { makeIdentity } from '../testing/client.node.js';
import { startRealtimeRelay, type RealtimeTestRelay } from './test-harness.node.js';

let relay: RealtimeTestRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

describe('rate limits', () => {
  it('slows down one connection that sends too fast, saying when to retry', async () => {
    relay = await startRealtimeRelay({
      rateLimits: {
        perConnection: { points: 5, windowSeconds: 60 },
        perIdentity: { points: 1_000, windowSeconds: 60 },
        authPerAddress: { points: 1_000, windowSeconds: 60 },
        authFailuresPerAddress: { points: 1_000, windowSeconds: 60 },
        authFailuresPerIdentity: { points: 1_000, windowSeconds: 60 },
        admissionsPerAddress: { points: 1_000, windowSeconds: 60 },
      },
    });
    // Auth itself spends one point.
    const alice = await relay.connect();
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await alice.request('turn:refresh', {}));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, false]);
    const limited = results[4];
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    if (limited && !limited.ok) expect(limited.error.retryAfter).toBeGreaterThan(0);
    // Another connection is not slowed down by Alice.
    const bob = await relay.connect();
    expect((await bob.request('turn:refresh', {})).ok).toBe(true);
  });

  it('counts every device of one identity against the same allowance', async () => {
    relay = await startRealtimeRelay({
      rateLimits: {
        perConnection: { points: 1_000, windowSeconds: 60 },
        perIdentity: { points: 6, windowSeconds: 60 },
        authPerAddress: { points: 1_000, windowSeconds: 60 },
        authFailuresPerAddress: { points: 1_000, windowSeconds: 60 },
        authFailuresPerIdentity: { points: 1_000, windowSeconds: 60 },
        admissionsPerAddress: { points: 1_000, windowSeconds: 60 },
      },
    });
    const identity = makeIdentity();
    const phone = await relay.connect({ identity });
    const laptop = await relay.connect({ identity });
    const results = [];
    for (let i = 0; i < 4; i += 1) {
      results.push(await phone.request('turn:refresh', {}), await laptop.request('turn:refresh', {}));
    }
    expect(results.filter((r) => r.ok)).toHaveLength(6);
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });
});

describe('malformed requests', () => {
  it('names unknown events, oversized payloads and invalid payloads with their own codes', async () => {
    relay = await startRealtimeRelay();
    const alice = await relay.connect();
    const bob = await relay.connect();
    const unknown = await alice.socket.timeout(5_000).emitWithAck('teleport', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
    const huge = await alice.request('signal', {
      to: bob.identity,
      linkId: 'l',
      data: { type: 'offer', sdp: 'x'.repeat(100 * 1024) },
    });
    expect(huge).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const invalid = await alice.request('signal', { to: 'bob', linkId: 'l', data: { renegotiate: true } });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(bob.received('signal')).toEqual([]);
  });
});

/** mulberry32: a seeded generator so a failing fuzz run can be replayed. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fuzzValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * 14);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() * 1e12 - 5e11;
    case 2:
      return 'x'.repeat(Math.floor(random() * 200_000));
    case 3:
      return Buffer.from(
        Array.from({ length: Math.floor(random() * 4096) }, () => Math.floor(random() * 256)),
      );
    case 4:
      return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    case 5:
      return depth > 6
        ? []
        : Array.from({ length: Math.floor(random() * 5) }, () => fuzzValue(random, depth + 1));
    case 6: {
      if (depth > 6) return {};
      const object: Record<string, unknown> = {};
      for (const key of [
        'to',
        'identity',
        'payload',
        'recipients',
        'ids',
        'bundle',
        'data',
        'from',
        'toString',
      ]) {
        if (random() < 0.4) object[key] = fuzzValue(random, depth + 1);
      }
      return object;
    }
    case 7:
      return { to: makeIdentity().id, linkId: 'l', data: { type: 'offer', sdp: 1 } };
    case 8:
      return { recipients: ['not-an-identity'], payload: 'text not binary' };
    case 9:
      return true;
    case 10:
      return { ids: Array.from({ length: 2000 }, (_, i) => `id${i}`) };
    case 11:
      return '\u0000\uffff\ud800';
    case 12: {
      let nested: unknown = {};
      for (let i = 0; i < 200; i += 1) nested = { a: nested };
      return nested;
    }
    default:
      return undefined;
  }
}

const EVENT_NAMES = [
  ...Object.keys(CLIENT_EVENTS),
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'toString',
  '',
];

describe('fuzzing', () => {
  it('keeps serving well-formed clients and loses nothing they sent while others send garbage', async () => {
    relay = await startRealtimeRelay();
    const url = relay.relay.url;
    const alice = await relay.connect();
    const bob = await relay.connect();
    const random = prng(0x5eed);

    const attackers: Socket[] = [];
    for (let i = 0; i < 3; i += 1) attackers.push((await relay.connect()).socket);
    for (let i = 0; i < 3; i += 1) {
      const raw = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise((resolve) => raw.once('connect', () => resolve(undefined)));
      attackers.push(raw);
    }

    const deposited: string[] = [];
    const pendingAcks: Promise<unknown>[] = [];
    for (let round = 0; round < 3_000; round += 1) {
      const socket = attackers[round % attackers.length] as Socket;
      const name =
        random() < 0.7
          ? (EVENT_NAMES[Math.floor(random() * EVENT_NAMES.length)] as string)
          : Math.random().toString(36).slice(2);
      const args = Array.from({ length: Math.floor(random() * 3) }, () => fuzzValue(random));
      try {
        if (random() < 0.5) {
          pendingAcks.push(
            socket
              .timeout(10_000)
              .emitWithAck(name, ...args)
              .catch(() => 'no answer'),
          );
        } else socket.emit(name, ...args);
      } catch {
        // socket.io-client refuses reserved names itself; nothing was sent.
      }
      if (round % 100 === 0) {
        const result = await alice.ok('blob:deposit', {
          recipients: [bob.identity],
          payload: Buffer.from(`m${round}`),
        });
        deposited.push(result.id);
      }
    }
    const answers = await Promise.all(pendingAcks);
    // Every event that asked for an ack got one, and none of them hit an unexpected failure.
    expect(answers.filter((answer) => answer === 'no answer')).toEqual([]);
    const counted = await relay.relay.context.metrics.events.get();
    expect(counted.values.filter((value) => value.labels.outcome === 'INTERNAL')).toEqual([]);
    expect(attackers.every((socket) => socket.connected)).toBe(true);

    const received: string[] = [];
    while (received.length < deposited.length) received.push((await bob.next('blob')).id);
    expect(received).toEqual(deposited);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const late = await relay.connect();
    expect(
      (await late.request('signal', { to: bob.identity, linkId: 'x', data: { renegotiate: true } })).ok,
    ).toBe(true);
    expect(await bob.next('signal')).toMatchObject({ from: late.identity });
  });
});
