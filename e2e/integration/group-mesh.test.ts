import { randomBytes } from 'node:crypto';
import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import { isParleyError, type MeshSession, type MeshSessionEvent } from '@parley/core';
import { groupOf, next, scenario, startAll, until, type TestDevice } from './support/harness.js';
import { sendForged } from './support/malicious-peer.js';
import { FakeDevices, Received, type MediaStreamTrack } from './support/wrtc-media.js';

// Opens WebRTC: run inside `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/group-mesh.test.ts'`.

/*
 * A small group call as a mesh (client.groupMesh) against a real relay, on @roamhq/wrtc: the members find
 * each other with sealed mesh messages, each pair is a 1:1 call's peer connection (sealed signalling, DTLS
 * checked), and everyone receives everyone's camera. The browser scenario with the move to the SFU is
 * e2e/browser/group-call-mesh.spec.ts.
 */

const s = scenario();
let fakes: FakeDevices[] = [];
let sessions: MeshSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.map((session) => session.leave()));
  sessions = [];
  for (const fake of fakes) fake.stop();
  fakes = [];
  await s.teardown();
});

interface InCall {
  readonly session: MeshSession;
  /** Video received, by sender's account. */
  readonly video: Map<string, Received>;
  readonly events: MeshSessionEvent['type'][];
  /** What the session said about each pair: its path going down or up, or the person unreachable. */
  readonly pairNews: { account: string; news: string }[];
}

/** Quick re-opens of a lost pair (three, from 100 ms), so giving up on one fits a test's wait. */
const QUICK_REOPENS = { reopens: 3, backoffMs: 100 };

async function joinMesh(device: TestDevice, groupId: string, sfuAvailable = false): Promise<InCall> {
  const fake = new FakeDevices();
  fakes.push(fake);
  const video = new Map<string, Received>();
  const events: MeshSessionEvent['type'][] = [];
  const pairNews: { account: string; news: string }[] = [];
  const session = await device.c.groupMesh.join({
    groupId,
    media: fake.stream(fake.microphone(), fake.camera(64, 48)),
    sfuAvailable,
    recovery: QUICK_REOPENS,
    onEvent: (event) => {
      events.push(event.type);
      if (event.type === 'path') pairNews.push({ account: event.account, news: event.path });
      if (event.type === 'unreachable') pairNews.push({ account: event.account, news: 'unreachable' });
      if (event.type !== 'track') return;
      const track = event.track as MediaStreamTrack;
      if (track.kind !== 'video') return;
      video.get(event.account)?.stop();
      video.set(event.account, new Received(track));
    },
  });
  sessions.push(session);
  return { session, video, events, pairNews };
}

/** A short ICE-restart grace and give-up, so a lost pair is given up and re-opened within a test's wait. */
const QUICK_RECOVERY = { callTimeouts: { iceRestartAfterMs: 500, iceGiveUpMs: 3_000 } };

type Peer = InstanceType<typeof wrtc.RTCPeerConnection>;

/** @roamhq/wrtc recording every peer connection a device opens (its media pairs among them). */
function recordingWrtc(): { wrtc: typeof wrtc; opened: Peer[] } {
  const opened: Peer[] = [];
  class RecordedPeer extends wrtc.RTCPeerConnection {
    constructor(...args: ConstructorParameters<typeof wrtc.RTCPeerConnection>) {
      super(...args);
      opened.push(this);
    }
  }
  return { wrtc: { ...wrtc, RTCPeerConnection: RecordedPeer }, opened };
}

/** The media connections (with transceivers: not a direct link's data channel) still open among `opened`. */
function media(opened: readonly Peer[]): Peer[] {
  return opened.filter((pc) => pc.signalingState !== 'closed' && pc.getTransceivers().length > 0);
}

function iceUfrag(sdp: string | undefined): string | undefined {
  return /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1];
}

/** `a`'s open media connection with `b`: the one whose ICE username fragment `b`'s connection was given. */
function pairBetween(a: readonly Peer[], b: readonly Peer[]): Peer {
  const found = media(a).find((pc) => {
    const ufrag = iceUfrag(pc.localDescription?.sdp);
    return ufrag !== undefined && media(b).some((other) => iceUfrag(other.remoteDescription?.sdp) === ufrag);
  });
  if (found === undefined) throw new Error('no media connection between the two');
  return found;
}

/** Three members in a call, each decoding both others' cameras, each device's peer connections recorded. */
async function threeInCall() {
  await s.setupWith({});
  const recorded = new Map<string, Peer[]>();
  const device = (name: string): TestDevice => {
    const { wrtc: recording, opened } = recordingWrtc();
    recorded.set(name, opened);
    return s.device(name, { ...QUICK_RECOVERY, wrtc: recording });
  };
  const alice = device('alice');
  const bob = device('bob');
  const carol = device('carol');
  await startAll(alice, bob, carol);
  const groupId = await groupOf(alice, 'choir', [bob, carol]);
  const inCall = new Map<TestDevice, InCall>();
  for (const member of [alice, bob, carol]) inCall.set(member, await joinMesh(member, groupId));
  for (const [member, call] of inCall) {
    const others = [alice, bob, carol].filter((other) => other !== member).map((other) => other.c.account);
    await until(
      () => others.every((account) => (call.video.get(account)?.frames ?? 0) > 5),
      `${member.name} to decode both others`,
    );
  }
  const opened = (member: TestDevice): Peer[] => recorded.get(member.name) ?? [];
  const call = (member: TestDevice): InCall => {
    const found = inCall.get(member);
    if (found === undefined) throw new Error(`${member.name} is not in the call`);
    return found;
  };
  return { alice, bob, carol, opened, call };
}

/**
 * Waits until `viewer` decodes `sender` on a track other than `before` (the pair came back): the side whose
 * connection closed under it re-opens the pair; the other side sees its media stop (PathWatchdog), and takes
 * the replacing offer.
 */
async function decodesAgain(viewer: InCall, sender: TestDevice, before: Received | undefined, who: string) {
  await expect
    .poll(
      () => {
        const now = viewer.video.get(sender.c.account);
        return now !== undefined && now !== before && now.frames > 5;
      },
      { timeout: 90_000, interval: 100, message: `${who} to decode ${sender.name} again` },
    )
    .toBe(true);
}

/** Setting up, then a drop noticed by libwebrtc, given up and re-opened (decodesAgain). */
const RECOVERY_TEST_MS = 180_000;

describe('a group call on the mesh', () => {
  it('connects three members pairwise through the relay, each receiving both others’ cameras, and a leaver’s pairs close', async () => {
    const { alice, bob, carol, call } = await threeInCall();
    for (const device of [alice, bob, carol]) {
      const others = [alice, bob, carol].filter((other) => other !== device).map((other) => other.c.account);
      expect(call(device).session.members.sort()).toEqual(others.sort());
      expect(call(device).events).not.toContain('move');
    }

    // Carol leaves: Alice and Bob are told, and only their own pair is left.
    await call(carol).session.leave();
    for (const device of [alice, bob])
      await until(
        () => !call(device).session.members.includes(carol.c.account),
        `${device.name} to see Carol leave`,
      );
    const bobAtAlice = call(alice).video.get(bob.c.account);
    const before = bobAtAlice?.frames ?? 0;
    await until(() => (bobAtAlice?.frames ?? 0) > before + 5, 'Alice to keep decoding Bob');
  });

  it('does not let someone outside the group into the call: a forged hello is refused and opens no connection', async () => {
    await s.setupWith({});
    const alice = s.device('alice');
    const bob = s.device('bob');
    const mallory = s.device('mallory');
    // Mallory is everyone's contact (so she has sessions to seal in), but not in the group.
    await startAll(alice, bob, mallory);
    const groupId = await groupOf(alice, 'choir', [bob]);
    const room = await alice.c.groupCalls.room(groupId);
    const bobInCall = await joinMesh(bob, groupId);
    const hello = next(bob.c, 'message', ({ message }) => message.text === 'hi Bob');
    await mallory.c.messages.send(mallory.c.conversations.direct(bob.c.account), 'hi Bob');
    await hello;

    const refused = next(bob.c, 'error', (error) => isParleyError(error, 'ACCESS_DENIED'));
    await sendForged(mallory, bob.c.account, {
      id: `${mallory.c.account.slice(0, 20)}${randomBytes(16).toString('hex')}`,
      sentAt: Date.now(),
      counter: 1,
      groupId,
      body: { type: 'group-call-mesh', event: 'hello', room, session: randomBytes(16).toString('hex') },
    });
    await refused;
    expect(bobInCall.session.members).toEqual([]);
    expect(bobInCall.events).toEqual([]);
  });

  it(
    'brings a dropped pair back without anyone rejoining: its connection closed, the pair is re-opened and decodes again',
    async () => {
      const { alice, bob, carol, opened, call } = await threeInCall();
      const bobAtAlice = call(alice).video.get(bob.c.account);
      const aliceAtBob = call(bob).video.get(alice.c.account);
      const carolAtAlice = call(alice).video.get(carol.c.account);
      const eventsBefore = [alice, bob, carol].map((member) => call(member).events.length);

      // Alice's connection with Bob dies under the pair (as if her side of it were gone): Bob's side sees
      // the path go down, restarts ICE, gives up, and the mesh re-opens the pair with a replacing offer.
      const newsBefore = [alice, bob].map((member) => call(member).pairNews.length);
      pairBetween(opened(alice), opened(bob)).close();
      await decodesAgain(call(alice), bob, bobAtAlice, 'Alice');
      await decodesAgain(call(bob), alice, aliceAtBob, 'Bob');

      // Alice, whose connection died, was told the pair went down (her tile's "Reconnecting…") and came
      // back. Bob may take her replacing offer before his own media count notices anything.
      const news = (member: TestDevice, other: TestDevice, from: number | undefined) =>
        call(member)
          .pairNews.slice(from)
          .filter((item) => item.account === other.c.account)
          .map((item) => item.news);
      const atAlice = news(alice, bob, newsBefore[0]);
      expect(atAlice).toContain('disconnected');
      expect(atAlice.lastIndexOf('connected')).toBeGreaterThan(atAlice.indexOf('disconnected'));
      expect(news(bob, alice, newsBefore[1])).not.toContain('unreachable');
      expect(atAlice).not.toContain('unreachable');

      // Nobody left or joined, and Carol's pairs were not touched.
      for (const [index, member] of [alice, bob, carol].entries()) {
        const later = call(member).events.slice(eventsBefore[index]);
        expect(later, member.name).not.toContain('left');
        expect(later, member.name).not.toContain('joined');
      }
      expect(call(alice).video.get(carol.c.account)).toBe(carolAtAlice);
      const before = carolAtAlice?.frames ?? 0;
      await until(() => (carolAtAlice?.frames ?? 0) > before + 5, 'Alice to keep decoding Carol');
      expect(call(alice).session.members.sort()).toEqual([bob.c.account, carol.c.account].sort());
    },
    RECOVERY_TEST_MS,
  );

  it(
    'does not re-dial a member who left: only the pair of those still in the call is re-opened',
    async () => {
      const { alice, bob, carol, opened, call } = await threeInCall();
      await call(carol).session.leave();
      for (const member of [alice, bob])
        await until(
          () => !call(member).session.members.includes(carol.c.account),
          `${member.name} to see Carol leave`,
        );
      const carolOpened = opened(carol).length;

      // A pair drops after Carol left; waiting for it to come back outlasts the give-up.
      const bobAtAlice = call(alice).video.get(bob.c.account);
      pairBetween(opened(bob), opened(alice)).close();
      await decodesAgain(call(alice), bob, bobAtAlice, 'Alice');

      // Alice and Bob each hold one media connection (their pair again): none is offering to Carol.
      expect(media(opened(alice))).toHaveLength(1);
      expect(media(opened(bob))).toHaveLength(1);
      expect(opened(carol).length).toBe(carolOpened);
      expect(call(alice).session.members).toEqual([bob.c.account]);
    },
    RECOVERY_TEST_MS,
  );

  it(
    'stops re-dialling someone whose device vanished after three tries, says they cannot be reached, and the others keep decoding each other',
    async () => {
      const { alice, bob, carol, opened, call } = await threeInCall();
      const carolAtAlice = call(alice).video.get(carol.c.account);
      const aliceAtCarol = call(carol).video.get(alice.c.account);
      const bobsConnections = media(opened(bob));
      const bobsAccount = bob.c.account;
      const eventsBefore = [alice, carol].map((member) => call(member).events.length);

      // Bob's app dies without a bye: its timers stop, its sockets and its peer connections close.
      bob.crash();
      for (const pc of bobsConnections) pc.close();

      for (const member of [alice, carol])
        await until(
          () =>
            call(member).pairNews.some((item) => item.account === bobsAccount && item.news === 'unreachable'),
          `${member.name} to give up on Bob`,
        );
      // Three re-opens each (a fresh connection, never answered), then nothing more: no connection to Bob
      // is left open, and none is opened later.
      for (const member of [alice, carol]) {
        const stillOpen = opened(member).filter(
          (pc) => pc.signalingState !== 'closed' && pc.getTransceivers().length > 0,
        );
        expect(stillOpen, member.name).toHaveLength(1);
      }
      const attempts = [alice, carol].map((member) => opened(member).length);
      const before = carolAtAlice?.frames ?? 0;
      await until(() => (carolAtAlice?.frames ?? 0) > before + 100, 'Alice to keep decoding Carol');
      expect([alice, carol].map((member) => opened(member).length)).toEqual(attempts);
      expect(call(alice).video.get(carol.c.account)).toBe(carolAtAlice);
      expect(call(carol).video.get(alice.c.account)).toBe(aliceAtCarol);
      const reopensOf = (member: TestDevice) =>
        call(member).pairNews.filter((item) => item.account === bobsAccount && item.news === 'disconnected')
          .length;
      for (const member of [alice, carol]) {
        expect(reopensOf(member), member.name).toBeGreaterThanOrEqual(QUICK_REOPENS.reopens);
        // Bob is still a member of the call as far as they know (he never said bye): only his pair is gone.
        expect(call(member).session.members).toContain(bobsAccount);
      }
      for (const [index, member] of [alice, carol].entries())
        expect(call(member).events.slice(eventsBefore[index])).not.toContain('left');
    },
    RECOVERY_TEST_MS,
  );
});
