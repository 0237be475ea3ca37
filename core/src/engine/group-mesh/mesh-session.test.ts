import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../calls/testing/fake-timers.js';
import type { GroupMeshBody } from '../../protocol/group-mesh.js';
import { LocalMedia } from '../calls/local-media.js';
import { MeshSession, type MeshSessionEvent } from './mesh-session.js';

const ROOM = 'r'.repeat(43);

/**
 * Several devices' mesh sessions wired to each other in memory: messages are delivered in order when
 * `flush` runs; `openPair` records which pairs each side opened and in which role.
 */
function meshOf(sfuAvailable: boolean) {
  const clock = new FakeClock();
  const sessions = new Map<string, MeshSession>();
  const events = new Map<string, MeshSessionEvent['type'][]>();
  /** Every event with its account, per device. */
  const detail = new Map<string, MeshSessionEvent[]>();
  const pairs: {
    self: string;
    peer: string;
    callId: string;
    role: string;
    open: boolean;
    replaces: boolean;
    /** What CallPairs does when the path stayed down `iceGiveUpMs`: closes the pair, then `onLost`. */
    lose: () => void;
    /** The pair's connection reports its path up. */
    connect: () => void;
  }[] = [];
  const queue: { from: string; to: string; body: GroupMeshBody }[] = [];
  const join = async (self: string, start = true) => {
    const session = new MeshSession({
      room: ROOM,
      session: self.padEnd(32, '0').replace(/[^0-9a-f]/g, 'a'),
      self,
      local: new LocalMedia(undefined, { video: false }),
      meshLimit: 4,
      sfuAvailable,
      send: async (to, body) => {
        const recipients = to === 'everyone' ? [...sessions.keys()].filter((name) => name !== self) : to;
        for (const recipient of recipients) queue.push({ from: self, to: recipient, body });
      },
      openPair: ({ callId, peer, role, replaces, onLost, onPath }) => {
        const pair = {
          self,
          peer,
          callId,
          role,
          open: true,
          replaces: replaces === true,
          lose: () => {
            pair.open = false;
            onLost?.();
          },
          connect: () => onPath('connected'),
        };
        pairs.push(pair);
        return { callId, peer, close: () => void (pair.open = false) };
      },
      pairId: (a, b) => [a, b].sort().join('-'),
      timers: clock,
      report: (error) => {
        throw error;
      },
      closed: () => sessions.delete(self),
    });
    sessions.set(self, session);
    events.set(self, []);
    detail.set(self, []);
    session.on((event) => {
      events.get(self)?.push(event.type);
      detail.get(self)?.push(event);
    });
    if (start) await session.start();
  };
  const start = (self: string) => sessions.get(self)?.start();
  const flush = () => {
    while (queue.length > 0) {
      const message = queue.shift();
      if (message !== undefined) sessions.get(message.to)?.receive(message.from, message.body);
    }
  };
  const openPairs = () => pairs.filter((pair) => pair.open);
  return { clock, sessions, events, detail, join, start, flush, pairs, openPairs };
}

describe('a group call mesh', () => {
  it('connects every pair once, offered by the one who got the answer to its hello', async () => {
    const mesh = meshOf(true);
    for (const name of ['c', 'a', 'b', 'd']) {
      await mesh.join(name);
      mesh.flush();
    }
    const open = mesh.openPairs();
    // Four people: six pairs, each opened on both sides with one offerer and one answerer.
    expect(open).toHaveLength(12);
    const byId = new Map<string, typeof open>();
    for (const pair of open) byId.set(pair.callId, [...(byId.get(pair.callId) ?? []), pair]);
    expect(byId.size).toBe(6);
    for (const sides of byId.values())
      expect(sides.map((side) => side.role).sort()).toEqual(['answerer', 'offerer']);
    for (const list of mesh.events.values()) expect(list).not.toContain('move');
  });

  it('when two join at once, the lower account offers and the other answers', async () => {
    const mesh = meshOf(true);
    await mesh.join('b', false);
    await mesh.join('a', false);
    // Both hellos are on their way before either arrives.
    await mesh.start('b');
    await mesh.start('a');
    mesh.flush();
    const open = mesh.openPairs();
    expect(open.map(({ self, role }) => `${self}:${role}`).sort()).toEqual(['a:offerer', 'b:answerer']);
  });

  it('moves to the SFU when a fifth joins: only the lowest account sends move, everyone gets the event', async () => {
    const mesh = meshOf(true);
    for (const name of ['b', 'c', 'd', 'e', 'a']) {
      await mesh.join(name);
      mesh.flush();
    }
    for (const [name, list] of mesh.events)
      expect(
        list.filter((type) => type === 'move'),
        name,
      ).toHaveLength(1);
    // A sixth who comes later is told by the answers that the call is on the SFU, and opens no pair.
    const before = mesh.openPairs().length;
    await mesh.join('f');
    mesh.flush();
    expect(mesh.events.get('f')).toContain('move');
    expect(mesh.openPairs().filter((pair) => pair.self === 'f' || pair.peer === 'f')).toHaveLength(0);
    expect(mesh.openPairs().length).toBe(before);
  });

  it('stays on the mesh with five when there is no SFU', async () => {
    const mesh = meshOf(false);
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await mesh.join(name);
      mesh.flush();
    }
    for (const list of mesh.events.values()) expect(list).not.toContain('move');
    expect(mesh.openPairs()).toHaveLength(20);
  });

  it('closes the pair and tells the others when someone leaves', async () => {
    const mesh = meshOf(true);
    for (const name of ['a', 'b', 'c']) {
      await mesh.join(name);
      mesh.flush();
    }
    await mesh.sessions.get('b')?.leave();
    mesh.flush();
    expect(mesh.openPairs().filter((pair) => pair.self === 'b' || pair.peer === 'b')).toHaveLength(0);
    expect(mesh.sessions.get('a')?.members).toEqual(['c']);
    expect(mesh.events.get('c')).toContain('left');
  });

  it('re-opens a given-up pair while both are in the call: same pair and role, its offer marked replace', async () => {
    const mesh = meshOf(false);
    for (const name of ['a', 'b', 'c']) {
      await mesh.join(name);
      mesh.flush();
    }
    const lost = mesh.openPairs().filter((pair) => pair.self === 'a' && pair.peer === 'b');
    expect(lost).toHaveLength(1);
    lost[0]?.lose();
    // After the first back-off (1 s).
    expect(mesh.openPairs().filter((pair) => pair.self === 'a' && pair.peer === 'b')).toHaveLength(0);
    mesh.clock.advance(1_000);
    const again = mesh.openPairs().filter((pair) => pair.self === 'a' && pair.peer === 'b');
    expect(again.map(({ callId, role, replaces }) => ({ callId, role, replaces }))).toEqual([
      { callId: lost[0]?.callId, role: lost[0]?.role, replaces: true },
    ]);
    // The others' pairs were not touched: still one per side of each pair.
    expect(mesh.openPairs()).toHaveLength(6);
    expect(mesh.events.get('a')).not.toContain('left');
  });

  it('does not re-dial someone who left: a pair given up after their bye stays closed', async () => {
    const mesh = meshOf(false);
    for (const name of ['a', 'b', 'c']) {
      await mesh.join(name);
      mesh.flush();
    }
    const withB = mesh.openPairs().filter((pair) => pair.self === 'a' && pair.peer === 'b');
    await mesh.sessions.get('b')?.leave();
    mesh.flush();
    // The give-up of the pair comes late (its timer was running when the bye arrived).
    for (const pair of withB) pair.lose();
    expect(mesh.openPairs().filter((pair) => pair.self === 'b' || pair.peer === 'b')).toHaveLength(0);
    expect(mesh.sessions.get('a')?.members).toEqual(['c']);
  });

  it('does not re-open a given-up pair once the mesh closed its pairs for the SFU', async () => {
    const mesh = meshOf(true);
    for (const name of ['a', 'b']) {
      await mesh.join(name);
      mesh.flush();
    }
    const pairs = mesh.openPairs();
    mesh.sessions.get('a')?.closePairs();
    for (const pair of pairs.filter((p) => p.self === 'a')) pair.lose();
    expect(mesh.openPairs().filter((pair) => pair.self === 'a')).toHaveLength(0);
  });

  it('tries a lost pair three times, waiting longer each time, then says the person cannot be reached and the call goes on', async () => {
    const mesh = meshOf(false);
    for (const name of ['a', 'b', 'c']) {
      await mesh.join(name);
      mesh.flush();
    }
    const aWithB = () => mesh.openPairs().filter((pair) => pair.self === 'a' && pair.peer === 'b');
    const aWithC = mesh.openPairs().filter((pair) => pair.self === 'a' && pair.peer === 'c');
    const opened = () => mesh.pairs.filter((pair) => pair.self === 'a' && pair.peer === 'b').length;
    // Each re-open comes after twice the wait before: 1 s, 2 s, 4 s.
    for (const wait of [1_000, 2_000, 4_000]) {
      const before = opened();
      aWithB()[0]?.lose();
      expect(mesh.detail.get('a')?.at(-1)).toEqual({ type: 'path', account: 'b', path: 'disconnected' });
      mesh.clock.advance(wait - 1);
      expect(aWithB()).toHaveLength(0);
      mesh.clock.advance(1);
      expect(aWithB()).toHaveLength(1);
      expect(opened()).toBe(before + 1);
    }
    // The third re-open is lost too: no fourth, and the call goes on with c.
    aWithB()[0]?.lose();
    expect(mesh.detail.get('a')?.at(-1)).toEqual({ type: 'unreachable', account: 'b' });
    const attempts = opened();
    mesh.clock.advance(600_000);
    expect(opened()).toBe(attempts);
    expect(aWithB()).toHaveLength(0);
    expect(mesh.clock.pendingCount).toBe(0);
    expect(mesh.openPairs().filter((pair) => pair.self === 'a' && pair.peer === 'c')).toEqual(aWithC);
    expect(mesh.sessions.get('a')?.members.sort()).toEqual(['b', 'c']);
    expect(mesh.events.get('a')).not.toContain('left');
  });

  it('counts re-opens afresh once a re-opened pair connects', async () => {
    const mesh = meshOf(false);
    for (const name of ['a', 'b']) {
      await mesh.join(name);
      mesh.flush();
    }
    const aWithB = () => mesh.openPairs().filter((pair) => pair.self === 'a' && pair.peer === 'b');
    for (let round = 0; round < 5; round++) {
      aWithB()[0]?.lose();
      // Always the first, shortest wait: the pair connected in between.
      mesh.clock.advance(1_000);
      expect(aWithB()).toHaveLength(1);
      aWithB()[0]?.connect();
    }
    expect(mesh.events.get('a')).not.toContain('unreachable');
  });

  it('does not re-open a lost pair whose person left during the wait', async () => {
    const mesh = meshOf(false);
    for (const name of ['a', 'b']) {
      await mesh.join(name);
      mesh.flush();
    }
    mesh
      .openPairs()
      .find((pair) => pair.self === 'a' && pair.peer === 'b')
      ?.lose();
    await mesh.sessions.get('b')?.leave();
    mesh.flush();
    mesh.clock.advance(60_000);
    expect(mesh.openPairs().filter((pair) => pair.self === 'a')).toHaveLength(0);
    expect(mesh.clock.pendingCount).toBe(0);
  });
});
