import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors/index.js';
import { CallNet } from './testing/call-net.js';

const phases = (net: CallNet, name: string): string[] =>
  net.party(name).states.map((s) => (s.reconnecting ? `${s.phase}+reconnecting` : s.phase));

describe('CallController', () => {
  it('rings, connects, runs and hangs up, leaving an answered line with its duration on both sides', () => {
    const net = new CallNet(['alice', 'bob']);
    const alice = net.party('alice');
    const bob = net.party('bob');
    const call = alice.controller.place('bob', 'video');
    net.deliver();
    expect(bob.incoming).toMatchObject([
      { callId: call.callId, peer: 'alice', direction: 'incoming', media: 'video' },
    ]);
    net.clock.advance(5_000);
    bob.controller.accept(call.callId);
    net.deliver();
    expect(alice.connects).toEqual([{ callId: call.callId, role: 'offerer' }]);
    expect(bob.connects).toEqual([{ callId: call.callId, role: 'answerer' }]);
    net.clock.advance(1_000);
    alice.controller.mediaConnected(call.callId);
    bob.controller.mediaConnected(call.callId);
    net.clock.advance(65_000);
    bob.controller.hangup(call.callId);
    net.deliver();
    expect(phases(net, 'alice')).toEqual(['ringing', 'connecting', 'active', 'ended']);
    expect(phases(net, 'bob')).toEqual(['ringing', 'connecting', 'active', 'ended']);
    expect(alice.states.at(-1)?.endReason).toEqual({ kind: 'hangup', by: 'remote' });
    expect(bob.states.at(-1)?.endReason).toEqual({ kind: 'hangup', by: 'local' });
    expect(alice.logs).toMatchObject([{ direction: 'outgoing', outcome: 'answered', durationMs: 65_000 }]);
    expect(bob.logs).toMatchObject([{ direction: 'incoming', outcome: 'answered', durationMs: 65_000 }]);
    expect(alice.closedMedia).toEqual([call.callId]);
    expect(bob.closedMedia).toEqual([call.callId]);
    expect(alice.controller.current).toBeUndefined();
    expect(net.clock.pendingCount).toBe(0);
  });

  it('stops ringing when told another device of the account answered or declined, and logs it so', () => {
    const net = new CallNet(['alice', 'bob']);
    const bob = net.party('bob');
    const first = net.party('alice').controller.place('bob', 'audio');
    net.deliver();
    bob.controller.receive('alice', { type: 'hangup', callId: first.callId, elsewhere: 'answered' });
    expect(bob.states.at(-1)?.endReason).toEqual({ kind: 'answered-elsewhere' });
    // (The device that answered hangs up later; this one had already stopped.)
    net.party('alice').controller.hangup(first.callId);
    net.deliver();
    const second = net.party('alice').controller.place('bob', 'video');
    net.deliver();
    // Only from the call's own peer: anyone else's word changes nothing.
    bob.controller.receive('mallory', { type: 'hangup', callId: second.callId, elsewhere: 'declined' });
    expect(bob.controller.current?.phase).toBe('ringing');
    bob.controller.receive('alice', { type: 'hangup', callId: second.callId, elsewhere: 'declined' });
    expect(bob.states.at(-1)?.endReason).toEqual({ kind: 'declined-elsewhere' });
    expect(bob.logs.map((l) => l.outcome)).toEqual(['answered-elsewhere', 'declined']);
  });

  it('a declined call ends declined on both sides, with the quick message when there is one', () => {
    const net = new CallNet(['alice', 'bob']);
    const first = net.party('alice').controller.place('bob', 'audio');
    net.deliver();
    net.party('bob').controller.decline(first.callId);
    net.deliver();
    expect(net.party('alice').states.at(-1)?.endReason).toEqual({ kind: 'declined' });
    const second = net.party('alice').controller.place('bob', 'audio');
    net.deliver();
    net.party('bob').controller.decline(second.callId, '  In a meeting, call you later ');
    net.deliver();
    const reason = { kind: 'declined-with-message', message: 'In a meeting, call you later' };
    expect(net.party('alice').states.at(-1)?.endReason).toEqual(reason);
    expect(net.party('bob').states.at(-1)?.endReason).toEqual(reason);
    expect(net.party('alice').logs.map((l) => [l.outcome, l.message])).toEqual([
      ['declined', undefined],
      ['declined', 'In a meeting, call you later'],
    ]);
    expect(net.party('bob').logs.map((l) => l.outcome)).toEqual(['declined', 'declined']);
    expect(net.party('alice').connects).toEqual([]);
  });

  it('nobody answers: after 45 s both sides record a missed call, and not a moment before', () => {
    const net = new CallNet(['alice', 'bob']);
    const call = net.party('alice').controller.place('bob', 'audio');
    net.deliver();
    net.clock.advance(44_999);
    net.deliver();
    expect(net.party('alice').controller.current?.phase).toBe('ringing');
    expect(net.party('bob').controller.current?.phase).toBe('ringing');
    net.clock.advance(1);
    net.deliver();
    expect(net.party('alice').logs).toMatchObject([
      { callId: call.callId, direction: 'outgoing', outcome: 'missed' },
    ]);
    expect(net.party('bob').logs).toMatchObject([
      { callId: call.callId, direction: 'incoming', outcome: 'missed' },
    ]);
    expect(net.party('bob').controller.current).toBeUndefined();
  });

  it("the callee times out on its own when the caller's hang-up is lost", () => {
    const net = new CallNet(['alice', 'bob']);
    const call = net.party('alice').controller.place('bob', 'audio');
    net.deliver();
    net.clock.advance(45_000);
    net.drop();
    expect(net.party('bob').logs).toMatchObject([{ callId: call.callId, outcome: 'missed' }]);
  });

  it('a caller who gives up before an answer has cancelled; the callee has missed it', () => {
    const net = new CallNet(['alice', 'bob']);
    const call = net.party('alice').controller.place('bob', 'video');
    net.deliver();
    net.clock.advance(10_000);
    net.party('alice').controller.hangup(call.callId);
    net.deliver();
    expect(net.party('alice').logs).toMatchObject([{ outcome: 'cancelled', direction: 'outgoing' }]);
    expect(net.party('bob').logs).toMatchObject([{ outcome: 'missed', direction: 'incoming' }]);
    expect(() => net.party('bob').controller.accept(call.callId)).toThrow(/no current call/);
  });

  it('a second caller gets busy; the callee logs it as missed and keeps its call', () => {
    const net = new CallNet(['alice', 'bob', 'carol']);
    const call = { callId: net.answeredCall('alice', 'bob', 'audio') };
    net.party('bob').controller.mediaConnected(call.callId);
    const other = net.party('carol').controller.place('bob', 'video');
    net.deliver();
    expect(net.party('carol').states.at(-1)?.endReason).toEqual({ kind: 'busy' });
    expect(net.party('carol').logs).toMatchObject([{ callId: other.callId, outcome: 'busy' }]);
    expect(net.party('bob').logs).toMatchObject([
      { callId: other.callId, peer: 'carol', direction: 'incoming', outcome: 'missed', media: 'video' },
    ]);
    expect(net.party('bob').incoming.map((c) => c.callId)).toEqual([call.callId]);
    expect(net.party('bob').controller.current).toMatchObject({ callId: call.callId, phase: 'active' });
  });

  it('a ring while ringing someone else is busy too', () => {
    const net = new CallNet(['alice', 'bob', 'carol']);
    net.party('alice').controller.place('bob', 'audio');
    net.party('carol').controller.place('alice', 'audio');
    net.deliver();
    expect(net.party('carol').logs).toMatchObject([{ outcome: 'busy' }]);
    expect(net.party('alice').controller.current).toMatchObject({ peer: 'bob', phase: 'ringing' });
  });

  for (const [winner, loser] of [
    ['alice', 'bob'],
    ['bob', 'alice'],
  ] as const) {
    it(`glare: both call at once and exactly one call results, the same on both sides (${winner}'s id is smaller)`, () => {
      const net = new CallNet(['alice', 'bob'], { [winner]: ['call-a'], [loser]: ['call-b'] });
      net.party('alice').controller.place('bob', 'video');
      net.party('bob').controller.place('alice', 'video');
      net.deliver(); // both rings cross
      for (const name of ['alice', 'bob']) {
        expect(net.party(name).controller.current).toMatchObject({ callId: 'call-a', phase: 'connecting' });
        expect(net.party(name).incoming).toEqual([]); // nobody has to click accept
        expect(net.party(name).logs).toEqual([]); // the lost call leaves no line
      }
      expect(net.party(winner).connects).toEqual([{ callId: 'call-a', role: 'offerer' }]);
      expect(net.party(loser).connects).toEqual([{ callId: 'call-a', role: 'answerer' }]);
      expect(net.party(loser).sent.filter((s) => s.signal.type === 'busy')).toEqual([]);
      net.party(winner).controller.mediaConnected('call-a');
      net.party(loser).controller.mediaConnected('call-a');
      net.clock.advance(45_000); // the lost call's ring timer is gone
      net.deliver();
      expect(net.party('alice').controller.current?.phase).toBe('active');
      net.party(loser).controller.hangup('call-a');
      net.deliver();
      expect(net.party(winner).logs).toMatchObject([
        { callId: 'call-a', direction: 'outgoing', outcome: 'answered' },
      ]);
      expect(net.party(loser).logs).toMatchObject([
        { callId: 'call-a', direction: 'incoming', outcome: 'answered' },
      ]);
    });
  }

  it('glare where one ring arrives late: the late losing ring changes nothing', () => {
    const net = new CallNet(['alice', 'bob'], { alice: ['call-a'], bob: ['call-b'] });
    net.party('alice').controller.place('bob', 'audio');
    net.party('bob').controller.place('alice', 'audio');
    // Only alice's ring reaches bob first: bob's call loses there and bob answers alice's.
    const queued: string[] = [];
    net.party('bob').controller.receive('alice', { type: 'ring', callId: 'call-a', media: 'audio' });
    net.deliver(); // now alice receives bob's ring (call-b), then bob's accept of call-a
    queued.push(...net.party('alice').states.map((s) => `${s.callId}:${s.phase}`));
    expect(queued).toEqual(['call-a:ringing', 'call-a:connecting']);
    expect(net.party('alice').logs).toEqual([]);
    expect(net.party('alice').sent.map((s) => s.signal.type)).toEqual(['ring']);
  });

  it('fails both sides with ice-failed when media does not connect within 30 s', () => {
    const net = new CallNet(['alice', 'bob']);
    const call = { callId: net.answeredCall('alice', 'bob', 'audio') };
    net.clock.advance(30_000);
    net.deliver();
    for (const name of ['alice', 'bob']) {
      expect(net.party(name).logs).toMatchObject([{ outcome: 'failed', failure: 'ice-failed' }]);
      expect(net.party(name).closedMedia).toEqual([call.callId]);
    }
    expect(net.party('alice').states.at(-1)?.endReason?.kind).toBe('failed');
  });

  it('fails closed with the reason on both sides when the DTLS fingerprint is not the authenticated one', () => {
    const net = new CallNet(['alice', 'bob']);
    const call = { callId: net.answeredCall('alice', 'bob', 'video') };
    net.party('bob').controller.mediaFailed(call.callId, 'fingerprint-not-authenticated');
    net.deliver();
    expect(net.party('bob').states.at(-1)?.endReason).toEqual({
      kind: 'failed',
      failure: 'fingerprint-not-authenticated',
      by: 'local',
    });
    expect(net.party('alice').states.at(-1)?.endReason).toEqual({
      kind: 'failed',
      failure: 'fingerprint-not-authenticated',
      by: 'remote',
    });
    expect(net.party('alice').logs).toMatchObject([
      { outcome: 'failed', failure: 'fingerprint-not-authenticated' },
    ]);
    expect(net.party('alice').states.some((s) => s.phase === 'active')).toBe(false);
  });

  it('restarts ICE every 3 s while disconnected and recovers when media returns', () => {
    const net = new CallNet(['alice', 'bob']);
    const call = { callId: net.answeredCall('alice', 'bob', 'audio') };
    const alice = net.party('alice');
    alice.controller.mediaConnected(call.callId);
    alice.controller.mediaDisconnected(call.callId);
    net.clock.advance(2_999);
    expect(alice.restarts).toEqual([]);
    net.clock.advance(1);
    expect(alice.restarts).toEqual([call.callId]);
    net.clock.advance(3_000);
    expect(alice.restarts).toEqual([call.callId, call.callId]);
    alice.controller.mediaConnected(call.callId);
    net.clock.advance(60_000);
    expect(alice.restarts).toHaveLength(2);
    expect(phases(net, 'alice')).toEqual([
      'ringing',
      'connecting',
      'active',
      'active+reconnecting',
      'active',
    ]);
    expect(alice.controller.current?.phase).toBe('active');
  });

  it('gives up 30 s after the media path went down, keeping the answered duration', () => {
    const net = new CallNet(['alice', 'bob']);
    const call = { callId: net.answeredCall('alice', 'bob', 'audio') };
    net.party('alice').controller.mediaConnected(call.callId);
    net.party('bob').controller.mediaConnected(call.callId);
    net.clock.advance(20_000);
    net.party('alice').controller.mediaDisconnected(call.callId);
    net.clock.advance(29_999);
    expect(net.party('alice').controller.current?.phase).toBe('active');
    net.clock.advance(1);
    net.deliver();
    expect(net.party('alice').logs).toMatchObject([
      { outcome: 'answered', durationMs: 50_000, failure: 'ice-failed' },
    ]);
    expect(net.party('bob').logs).toMatchObject([
      { outcome: 'answered', durationMs: 50_000, failure: 'ice-failed' },
    ]);
    expect(net.party('alice').restarts).toHaveLength(9);
  });

  it("ignores signals from anyone but the call's peer, for other calls, and after the end", () => {
    const net = new CallNet(['alice', 'bob']);
    const alice = net.party('alice');
    const call = alice.controller.place('bob', 'audio');
    alice.controller.receive('mallory', { type: 'accept', callId: call.callId });
    alice.controller.receive('mallory', { type: 'hangup', callId: call.callId });
    alice.controller.receive('bob', { type: 'accept', callId: 'another' });
    expect(alice.controller.current?.phase).toBe('ringing');
    net.deliver();
    net.party('bob').controller.receive('alice', { type: 'ring', callId: call.callId, media: 'audio' });
    expect(net.party('bob').incoming).toHaveLength(1); // the same ring twice rings once
    net.party('bob').controller.decline(call.callId);
    net.deliver();
    alice.controller.receive('bob', { type: 'accept', callId: call.callId });
    net.party('bob').controller.receive('alice', { type: 'ring', callId: call.callId, media: 'audio' });
    expect(alice.controller.current).toBeUndefined();
    expect(net.party('bob').controller.current).toBeUndefined();
    expect(alice.connects).toEqual([]);
  });

  it('refuses commands that do not fit the current call, with codes', () => {
    const net = new CallNet(['alice', 'bob']);
    const call = net.party('alice').controller.place('bob', 'audio');
    const codeOf = (f: () => void): string | undefined => {
      try {
        f();
      } catch (error) {
        return isParleyError(error) ? error.code : 'not a ParleyError';
      }
      return undefined;
    };
    expect(codeOf(() => net.party('alice').controller.place('bob', 'audio'))).toBe('CONFLICT');
    expect(codeOf(() => net.party('alice').controller.accept(call.callId))).toBe('CONFLICT');
    expect(codeOf(() => net.party('alice').controller.decline(call.callId))).toBe('CONFLICT');
    expect(codeOf(() => net.party('bob').controller.accept(call.callId))).toBe('NOT_FOUND');
    net.deliver();
    expect(codeOf(() => net.party('bob').controller.decline(call.callId, 'x'.repeat(501)))).toBe(
      'BAD_REQUEST',
    );
    expect(net.party('bob').controller.current?.phase).toBe('ringing');
  });

  it('close() hangs up the current call', () => {
    const net = new CallNet(['alice', 'bob']);
    const call = { callId: net.answeredCall('alice', 'bob', 'audio') };
    net.party('alice').controller.mediaConnected(call.callId);
    net.party('alice').controller.close();
    net.deliver();
    expect(net.party('bob').states.at(-1)?.endReason).toEqual({ kind: 'hangup', by: 'remote' });
    net.party('alice').controller.close();
  });
});
