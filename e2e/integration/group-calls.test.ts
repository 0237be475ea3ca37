import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkSfuToken,
  fromBase64Url,
  GROUP_CALL_HEARTBEAT_MS,
  GROUP_CALL_NOTICE_TTL_MS,
  groupCallLineOf,
  isParleyError,
  type ParleyClient,
} from '@parley/core';
import nacl from 'tweetnacl';
import { groupOf, next, scenario, startAll, until } from './support/harness.js';
import { sendForged } from './support/malicious-peer.js';

/*
 * The engine's half of group calls (client.groupCalls) against a real relay: join tickets for the room only
 * members can derive, and the started/ended notices that drive the "Call in progress" banner and leave the
 * call line in the group. The media half (mediasoup-client against a real SFU) is e2e/browser/group-call.spec.ts.
 */

const s = scenario();
afterEach(s.teardown);

const SFU_URL = 'http://127.0.0.1:7780';

async function callLines(client: ParleyClient, groupId: string) {
  const page = await client.messages.page(`group:${groupId}`, { limit: 50 });
  return page.messages.flatMap((message) => {
    const entry = groupCallLineOf(message);
    return entry === undefined ? [] : [entry];
  });
}

describe('group call tickets', () => {
  it('give every member a relay-signed token for the same room, a room another group does not share', async () => {
    await s.setupWith({ sfu: { url: SFU_URL, tokenTtlSeconds: 60 } });
    const alice = s.device('alice');
    const bob = s.device('bob');
    const carol = s.device('carol');
    await startAll(alice, bob, carol);
    const groupId = await groupOf(alice, 'choir', [bob]);
    const other = await groupOf(alice, 'band', [bob, carol]);

    const atAlice = await alice.c.groupCalls.ticket(groupId);
    const atBob = await bob.c.groupCalls.ticket(groupId);
    expect(atBob.room).toBe(atAlice.room);
    expect(atAlice.url).toBe(SFU_URL);
    expect((await alice.c.groupCalls.ticket(other)).room).not.toBe(atAlice.room);

    // The SFU's check: the relay's key alone verifies it, for the holder's identity and that room.
    const info = (await (await fetch(`${s.relay().url}/v1/relay`)).json()) as { relayKey: string };
    const relayKey = fromBase64Url(info.relayKey);
    const verify = (message: Uint8Array, signature: Uint8Array) =>
      nacl.sign.detached.verify(message, signature, relayKey);
    const bobsToken = checkSfuToken(atBob.token, verify, Date.now());
    const alicesToken = checkSfuToken(atAlice.token, verify, Date.now());
    if (!bobsToken.ok || !alicesToken.ok) throw new Error('a ticket does not verify with the relay key');
    expect(bobsToken.body.room).toBe(atAlice.room);
    expect(bobsToken.body.identity).not.toBe(alicesToken.body.identity);

    // Carol is not in the group: she holds no state to derive its room from, so she cannot ask for it.
    await expect(carol.c.groupCalls.ticket(groupId)).rejects.toSatisfy((error) =>
      isParleyError(error, 'NOT_FOUND'),
    );
  });

  it('are unavailable on a relay that runs no SFU', async () => {
    await s.setupWith({});
    const alice = s.device('alice');
    const bob = s.device('bob');
    await startAll(alice, bob);
    const groupId = await groupOf(alice, 'choir', [bob]);
    await expect(alice.c.groupCalls.ticket(groupId)).rejects.toSatisfy((error) =>
      isParleyError(error, 'UNAVAILABLE'),
    );
  });
});

/** Alice, Bob and Carol, running, in Alice's group "choir". */
async function choir() {
  await s.setupWith({});
  const alice = s.device('alice');
  const bob = s.device('bob');
  const carol = s.device('carol');
  await startAll(alice, bob, carol);
  return { alice, bob, carol, groupId: await groupOf(alice, 'choir', [bob, carol]) };
}

describe('a group call in the group', () => {
  it('shows as running for the other members from its start to its end, then leaves one call line for everyone', async () => {
    const { alice, bob, carol, groupId } = await choir();

    const startedAtBob = next(bob.c, 'group-call', ({ active }) => active !== undefined);
    const callId = await alice.c.groupCalls.started(groupId);
    const { active } = await startedAtBob;
    expect(active).toMatchObject({ groupId, callId, startedBy: alice.c.account });
    await until(
      async () => (await carol.c.groupCalls.active(groupId))?.callId === callId,
      'carol to see the call',
    );

    // Bob was the last one in the room: he announces the end.
    const endedAtAlice = next(alice.c, 'group-call', ({ active: running }) => running === undefined);
    const endedAtCarol = next(carol.c, 'group-call', ({ active: running }) => running === undefined);
    await bob.c.groupCalls.ended(groupId);
    await endedAtAlice;
    await endedAtCarol;
    for (const device of [alice, bob, carol]) {
      expect(await device.c.groupCalls.active(groupId)).toBeUndefined();
      const lines = await callLines(device.c, groupId);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ callId, startedBy: alice.c.account });
    }
  });

  it('ends a call whose last participants vanished without a word when someone finds its room empty', async () => {
    const { alice, bob, carol, groupId } = await choir();

    // Alice starts the call and crashes in it: no "ended" ever comes, Bob's banner stays.
    const stale = await alice.c.groupCalls.started(groupId);
    await until(
      async () => (await bob.c.groupCalls.active(groupId))?.callId === stale,
      'bob to see the call',
    );
    await until(async () => (await carol.c.groupCalls.active(groupId))?.callId === stale, 'carol to see it');

    // Carol clicks Join and the SFU's room is empty: the dead call ends, her new one is what the banner shows.
    const fresh = await carol.c.groupCalls.started(groupId);
    expect(fresh).not.toBe(stale);
    for (const device of [alice, bob, carol]) {
      await until(
        async () => (await device.c.groupCalls.active(groupId))?.callId === fresh,
        `${device.name} to see the new call`,
      );
      await until(async () => (await callLines(device.c, groupId)).length === 1, `${device.name}'s line`);
      expect(await callLines(device.c, groupId)).toMatchObject([
        { callId: stale, startedBy: alice.c.account },
      ]);
    }
  });

  it('ignores a call notice from someone who is not in the group', async () => {
    await s.setupWith({});
    const alice = s.device('alice');
    const bob = s.device('bob');
    const mallory = s.device('mallory');
    await startAll(alice, bob, mallory);
    const groupId = await groupOf(alice, 'choir', [bob]);

    // Mallory (a contact of Bob's, not a member) has a session with Bob, and seals a "call started" for
    // Alice's group to him.
    const hello = next(bob.c, 'message', ({ message }) => message.text === 'hi Bob');
    await mallory.c.messages.send(mallory.c.conversations.direct(bob.c.account), 'hi Bob');
    await hello;
    const refused = next(bob.c, 'error', (error) => isParleyError(error, 'ACCESS_DENIED'));
    await sendForged(mallory, bob.c.account, {
      id: `${mallory.c.account.slice(0, 20)}${randomBytes(16).toString('hex')}`,
      sentAt: Date.now(),
      counter: 1,
      groupId,
      body: {
        type: 'group-call',
        event: 'started',
        callId: randomBytes(16).toString('hex'),
        startedAt: Date.now(),
      },
    });
    await refused;
    expect(await bob.c.groupCalls.active(groupId)).toBeUndefined();
  });

  it('stops showing once its participants fall silent, by each member’s own clock, and still leaves its line', async () => {
    await s.setupWith({});
    // One clock for everyone, moved by the test; the sweep that sends heartbeats and expires calls runs often.
    const clock = { now: Date.now() };
    const options = { now: () => clock.now, tuning: { sweepIntervalMs: 50 } };
    const alice = s.device('alice', options);
    const bob = s.device('bob', options);
    const carol = s.device('carol', options);
    await startAll(alice, bob, carol);
    const groupId = await groupOf(alice, 'choir', [bob, carol]);

    // Alice starts the call and is in it.
    const shown = next(bob.c, 'group-call', ({ active }) => active !== undefined);
    const stale = await alice.c.groupCalls.started(groupId);
    alice.c.groupCalls.joined(groupId);
    expect((await shown).active?.callId).toBe(stale);
    await until(async () => (await carol.c.groupCalls.active(groupId))?.callId === stale, 'carol to see it');

    // While she is in it, her heartbeats keep it showing past the time a start alone would be trusted.
    for (const step of [GROUP_CALL_HEARTBEAT_MS, GROUP_CALL_NOTICE_TTL_MS - GROUP_CALL_HEARTBEAT_MS + 1]) {
      const at = clock.now + step;
      const heard = next(bob.c, 'group-call', ({ active }) => active?.lastHeardAt === at);
      clock.now = at;
      await heard;
    }
    const starter = alice.c.account;
    expect(await bob.c.groupCalls.active(groupId)).toMatchObject({ callId: stale, startedBy: starter });

    // What Alice sent so far has reached Bob (her heartbeats go to him in order, before this message).
    const said = next(bob.c, 'message', ({ message }) => message.text === 'back in a minute');
    await alice.c.messages.send(`group:${groupId}`, 'back in a minute');
    await said;

    // Alice's app goes away in the call without leaving it (closed here rather than the harness's crash(),
    // whose killed client keeps running in this process): no end is announced and no heartbeat comes. Once
    // the call has been quiet for longer than the notice lives, Bob's and Carol's banners go by themselves.
    await alice.stop();
    const goneAtBob = next(bob.c, 'group-call', ({ active }) => active === undefined);
    const goneAtCarol = next(carol.c, 'group-call', ({ active }) => active === undefined);
    clock.now += GROUP_CALL_NOTICE_TTL_MS + 1;
    await goneAtBob;
    await goneAtCarol;
    expect(await bob.c.groupCalls.active(groupId)).toBeUndefined();
    expect(await carol.c.groupCalls.active(groupId)).toBeUndefined();

    // The dead call is not forgotten: the next call started in the group ends it, and its line is written.
    const fresh = await carol.c.groupCalls.started(groupId);
    for (const device of [bob, carol]) {
      await until(
        async () => (await device.c.groupCalls.active(groupId))?.callId === fresh,
        `${device.name} to see the new call`,
      );
      await until(async () => (await callLines(device.c, groupId)).length === 1, `${device.name}'s line`);
      expect(await callLines(device.c, groupId)).toMatchObject([{ callId: stale, startedBy: starter }]);
    }
  }, 240_000);
});
