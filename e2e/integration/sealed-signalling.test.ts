import { afterEach, describe, expect, it } from 'vitest';
import type { RelayInTheMiddle, Rewrite } from './support/relay-in-the-middle.js';
import { behindMaliciousRelay as behindMalicious, flip } from './support/malicious-relay.js';
import { next, scenario, until, type TestDevice } from './support/harness.js';

// Opens WebRTC: run inside `unshare -rn sh -c 'ip link set lo up && …'`.
const s = scenario();
let middle: RelayInTheMiddle | undefined;
afterEach(async () => {
  await middle?.close();
  middle = undefined;
  await s.teardown();
});

type SignalData = { sdp?: string; candidate?: unknown; sealed?: string };

async function behindMaliciousRelay(
  down: Rewrite,
  up?: Rewrite,
): Promise<{ alice: TestDevice; bob: TestDevice }> {
  const setUp = await behindMalicious(s, { down, ...(up === undefined ? {} : { up }) });
  middle = setUp.middle;
  return setUp;
}

/** A different, well-formed DTLS fingerprint: what a relay that wants to sit in the link would put there. */
function swapFingerprint(sdp: string): string {
  return sdp.replace(/a=fingerprint:sha-256 [0-9A-F:]+/g, `a=fingerprint:sha-256 ${'AB:'.repeat(31)}AB`);
}

describe('signalling sealed end to end', () => {
  it('forwards signals the relay cannot read: no SDP, no candidate, no address', async () => {
    const seen: SignalData[] = [];
    const { alice, bob } = await behindMaliciousRelay((event, payload) => {
      if (event === 'signal') seen.push((payload as { data: SignalData }).data);
      return payload;
    });
    const received = next(bob.c, 'message');
    await alice.c.messages.send(
      alice.c.conversations.direct(bob.c.account),
      'over a link the relay set up blind',
    );
    expect((await received).via).toBe('direct');
    expect(seen.length).toBeGreaterThan(0);
    for (const data of seen) {
      expect(data.sdp).toBeUndefined();
      expect(data.candidate).toBeUndefined();
      expect(JSON.stringify(data)).not.toMatch(/127\.0\.0\.1|fingerprint/);
      expect(typeof data.sealed).toBe('string');
    }
  });

  it('fails the link closed, with a reason, when the relay rewrites the DTLS fingerprint', async () => {
    const { alice, bob } = await behindMaliciousRelay((event, payload) => {
      if (event !== 'signal') return payload;
      const signal = payload as { data: SignalData };
      const { data } = signal;
      if (data.sdp !== undefined) return { ...signal, data: { ...data, sdp: swapFingerprint(data.sdp) } };
      if (data.sealed !== undefined) return { ...signal, data: { sealed: flip(data.sealed) } };
      return payload;
    });
    const refused = next(bob.c, 'link-refused');
    const received = next(bob.c, 'message');
    await alice.c.messages.send(alice.c.conversations.direct(bob.c.account), 'still arrives');
    const event = await refused;
    expect(event).toMatchObject({ account: alice.c.account, error: { code: 'DECRYPT_FAILED' } });
    expect(event.conversationId).toBe(bob.c.conversations.direct(alice.c.account));
    // Fail closed means no link; the message still goes, through the relay (sealed as always).
    expect(await received).toMatchObject({ via: 'relay', message: { text: 'still arrives' } });
  });

  it('stops sealing offers to a peer that stays offline, so its session never skips past its limit', async () => {
    let signalsUp = 0;
    const { alice, bob } = await behindMaliciousRelay(
      (_event, payload) => payload,
      (event, payload) => {
        if (event === 'signal') signalsUp += 1;
        return payload;
      },
    );
    const conversation = alice.c.conversations.direct(bob.c.account);
    await bob.stop();
    // Each sealed offer the relay cannot deliver is a ratchet message Bob never sees; he skips at most 1,000.
    for (let i = 0; i < 80; i++) {
      const sent = next(alice.c, 'message-state', (event) => event.state === 'sent');
      await alice.c.messages.send(conversation, `while you were away ${i}`);
      await sent;
    }
    // MAX_UNDELIVERED_SIGNALS (32), and the few sealed before the relay's first "not delivered" came back.
    expect(signalsUp).toBeLessThanOrEqual(40);
    const back = await bob.start();
    await until(
      async () =>
        (await back.messages.page(back.conversations.direct(alice.c.account), { limit: 100 })).messages
          .length === 80,
      'every message to arrive and decrypt',
    );
  });
});
