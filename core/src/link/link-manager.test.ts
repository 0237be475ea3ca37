import { afterEach, describe, expect, it } from 'vitest';
import type { DataLink } from './data-link.js';
import { LinkManager, type LinkSignal, type PeerAddress } from './link-manager.js';
import { testWrtc, whenClosed, whenOpen } from './testing/link-pair.js';

const alice: PeerAddress = { identity: 'A'.repeat(43), deviceId: 'laptop' };
const bob: PeerAddress = { identity: 'B'.repeat(43), deviceId: 'phone' };

const managers: LinkManager[] = [];
const allLinks: DataLink[] = [];
afterEach(async () => {
  for (const manager of managers.splice(0)) manager.close();
  const links = allLinks.splice(0);
  for (const link of links) link.close();
  await Promise.all(links.map((link) => link.whenClosed()));
});

/** Hands a signal on in a later task, as a relay would; the receiver may have closed by then (test over). */
function deliverLater(manager: LinkManager | undefined, from: PeerAddress, signal: LinkSignal): void {
  setTimeout(() => {
    try {
      manager?.handleSignal(from, signal);
    } catch (error) {
      if ((error as { code?: string }).code !== 'CLOSED') throw error;
    }
  }, 0);
}

/** Two devices' managers with an in-process relay between them that records every signal it carries. */
function devices() {
  const carried: { from: PeerAddress; to: PeerAddress; signal: LinkSignal }[] = [];
  const byKey = new Map<string, LinkManager>();
  const relay = (from: PeerAddress) => (to: PeerAddress, signal: LinkSignal) => {
    carried.push({ from, to, signal });
    deliverLater(byKey.get(to.deviceId), from, signal);
  };
  const make = (self: PeerAddress) => {
    let next = 0;
    const manager = new LinkManager({
      self,
      iceServers: [],
      wrtc: testWrtc,
      sendSignal: relay(self),
      newLinkId: () => `${self.deviceId}-${next++}`,
    });
    manager.on('link', ({ link }) => allLinks.push(link));
    byKey.set(self.deviceId, manager);
    managers.push(manager);
    return manager;
  };
  return { a: make(alice), b: make(bob), carried };
}

function nextLink(manager: LinkManager): Promise<DataLink> {
  return new Promise((resolve) => manager.once('link', ({ link }) => resolve(link)));
}

describe('LinkManager', () => {
  it('connects two devices and keeps one link per peer', async () => {
    const { a, b } = devices();
    const incoming = nextLink(b);
    const outgoing = a.connect(bob);
    expect(a.connect(bob)).toBe(outgoing);
    const answering = await incoming;
    await Promise.all([whenOpen(outgoing), whenOpen(answering)]);
    expect(answering.linkId).toBe(outgoing.linkId);
    expect(b.get(alice)).toBe(answering);
    const got = new Promise<Uint8Array>((resolve) => answering.once('message', resolve));
    await outgoing.send(new Uint8Array([1]));
    expect([...(await got)]).toEqual([1]);
  });

  it('forgets a link when it closes and starts a new one with a new id on the next connect', async () => {
    const { a, b } = devices();
    const first = a.connect(bob);
    await whenOpen(first);
    const closedAtB = whenClosed(b.get(alice) ?? first);
    first.close();
    expect(a.get(bob)).toBeUndefined();
    await closedAtB;
    expect(b.get(alice)).toBeUndefined();
    const second = a.connect(bob);
    expect(second.linkId).not.toBe(first.linkId);
    await whenOpen(second);
  });

  it('replaces a link on demand; the peer follows and late signals for the old id are dropped', async () => {
    const { a, b, carried } = devices();
    const first = a.connect(bob);
    await whenOpen(first);
    const stale = carried.find((entry) => entry.signal.linkId === first.linkId && entry.from === alice);
    const replaced = nextLink(b);
    const second = a.replace(bob);
    expect(first.state).toBe('closed');
    const answering = await replaced;
    await Promise.all([whenOpen(second), whenOpen(answering)]);
    expect(answering.linkId).toBe(second.linkId);
    expect(stale).toBeDefined();
    expect(b.handleSignal(alice, stale?.signal)).toBe('stale');
    expect(a.handleSignal(bob, { ...stale?.signal, linkId: first.linkId })).toBe('stale');
    expect(second.state).toBe('open');
  });

  it('settles on one link when both devices connect at the same moment', async () => {
    const { a, b } = devices();
    const fromA = a.connect(bob);
    const fromB = b.connect(alice);
    const survivors = () => [a.get(bob), b.get(alice)];
    await new Promise<void>((resolve) => {
      const check = () => {
        const [x, y] = survivors();
        if (x?.state === 'open' && y?.state === 'open') resolve();
      };
      for (const manager of [a, b]) manager.on('link', ({ link }) => link.on('open', check));
      for (const link of [fromA, fromB]) link.on('open', check);
    });
    const [x, y] = survivors();
    expect(x?.linkId).toBe(y?.linkId);
    expect([fromA.state, fromB.state].filter((state) => state === 'closed')).toHaveLength(1);
  });

  it('validates signals from the relay and drops ones for links it never had', () => {
    const { a } = devices();
    expect(() => a.handleSignal({ identity: 'x', deviceId: 'y' }, {})).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
    expect(a.handleSignal(bob, { linkId: 'nope', kind: 'data', data: { renegotiate: true } })).toBe(
      'unknown-link',
    );
    expect(a.handleSignal(bob, { linkId: 'c1', kind: 'call', data: { renegotiate: true } })).toBe(
      'unhandled-kind',
    );
  });

  it('closes every link when it closes, idempotently, and refuses work afterwards', async () => {
    const { a } = devices();
    const link = a.connect(bob);
    a.close();
    a.close();
    expect(link.state).toBe('closed');
    expect(a.size).toBe(0);
    await a.whenClosed();
    expect(() => a.connect(bob)).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });

  /** What Alice's signals reveal of her addresses (host or reflexive candidates), under an ICE policy. */
  async function addressesAliceSignals(policy: 'all' | 'relay'): Promise<string[]> {
    const fromAlice: LinkSignal[] = [];
    let bobCandidates = 0;
    const byDevice = new Map<string, LinkManager>();
    const relay = (from: PeerAddress) => (to: PeerAddress, signal: LinkSignal) => {
      if (from === alice) fromAlice.push(signal);
      else if ('candidate' in signal.data) bobCandidates += 1;
      deliverLater(byDevice.get(to.deviceId), from, signal);
    };
    const a = new LinkManager({
      self: alice,
      iceServers: [],
      wrtc: testWrtc,
      sendSignal: relay(alice),
      transportPolicy: () => policy,
    });
    const b = new LinkManager({ self: bob, iceServers: [], wrtc: testWrtc, sendSignal: relay(bob) });
    managers.push(a, b);
    byDevice.set(alice.deviceId, a).set(bob.deviceId, b);
    a.connect(bob);
    // No TURN server here, so a relay-only link cannot open; Bob's answer and candidates show ICE ran.
    while (bobCandidates === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    return fromAlice.flatMap(({ data }) => {
      const { sdp, candidate } = data as { sdp?: string; candidate?: { candidate: string } };
      return `${sdp ?? ''} ${candidate?.candidate ?? ''}`.match(/ typ (host|srflx|prflx)/g) ?? [];
    });
  }

  it('with the relay-only policy, signals no address of its own; by default it does', async () => {
    expect(await addressesAliceSignals('relay')).toEqual([]);
    expect((await addressesAliceSignals('all')).length).toBeGreaterThan(0);
  });
});
