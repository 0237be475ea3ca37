import { randomBytes } from 'node:crypto';
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
}

async function joinMesh(device: TestDevice, groupId: string, sfuAvailable = false): Promise<InCall> {
  const fake = new FakeDevices();
  fakes.push(fake);
  const video = new Map<string, Received>();
  const events: MeshSessionEvent['type'][] = [];
  const session = await device.c.groupMesh.join({
    groupId,
    media: fake.stream(fake.microphone(), fake.camera(64, 48)),
    sfuAvailable,
    onEvent: (event) => {
      events.push(event.type);
      if (event.type !== 'track') return;
      const track = event.track as MediaStreamTrack;
      if (track.kind !== 'video') return;
      video.get(event.account)?.stop();
      video.set(event.account, new Received(track));
    },
  });
  sessions.push(session);
  return { session, video, events };
}

describe('a group call on the mesh', () => {
  it('connects three members pairwise through the relay, each receiving both others’ cameras, and a leaver’s pairs close', async () => {
    await s.setupWith({});
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const groupId = await groupOf(alice, 'choir', [bob, carol]);

    const inCall = new Map<TestDevice, InCall>();
    for (const device of [alice, bob, carol]) inCall.set(device, await joinMesh(device, groupId));
    for (const [device, call] of inCall) {
      const others = [alice, bob, carol].filter((other) => other !== device).map((other) => other.c.account);
      await until(
        () => others.every((account) => (call.video.get(account)?.frames ?? 0) > 5),
        `${device.name} to decode both others`,
      );
      expect(call.session.members.sort()).toEqual(others.sort());
      expect(call.events).not.toContain('move');
    }

    // Carol leaves: Alice and Bob are told, and only their own pair is left.
    await inCall.get(carol)?.session.leave();
    for (const device of [alice, bob])
      await until(
        () => inCall.get(device)?.session.members.includes(carol.c.account) === false,
        `${device.name} to see Carol leave`,
      );
    const bobAtAlice = inCall.get(alice)?.video.get(bob.c.account);
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
});
