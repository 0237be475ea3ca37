import type { Page } from '@playwright/test';
import type { Sfu } from '@parley/sfu';
import { expect, test } from './support/fixtures.js';
import type { OpenPeople, PeopleNamed, Person } from './support/people.js';
import {
  callDiagnostics,
  callScreen,
  callTile,
  expectVideosDecoding,
  recordPeerConnections,
  remoteFrames,
  slowCamera,
} from './support/call-media.js';
import { formGroup } from './support/group-call-setup.js';
import { setTestOptions } from './support/test-options.js';
import { conversation, onboard } from './support/ui.js';

/*
 * Small group calls as a mesh of direct connections, and the move to the SFU when a fifth person joins: real
 * relay (and SFU with a real mediasoup worker where the relay has one), one Chromium per person with the fake
 * camera, loopback only. Nobody clicks anything for the move.
 */

test.describe.configure({ timeout: 1_200_000 });

const GROUP = 'Book club';
const NAMES = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'] as const;

async function openGroup<const Names extends readonly string[]>(
  people: OpenPeople,
  names: Names,
): Promise<PeopleNamed<Names>> {
  const opened = await people(...names);
  const everyone: readonly Person[] = opened;
  for (const person of everyone) {
    person.page.on('console', (message) => {
      if (message.text().startsWith('group call')) console.log(`[${person.name}] ${message.text()}`);
    });
    await slowCamera(person.page);
    // Key ids and transform stats, for a failure's log (the hook only reads).
    await setTestOptions(person.page, { groupCallE2eeProbe: true });
    await recordPeerConnections(person.page);
    await onboard(person.page, person.name);
  }
  await formGroup(everyone, GROUP);
  return opened;
}

async function join(person: Person, first: boolean): Promise<void> {
  if (first) await conversation(person.page, GROUP).getByRole('button', { name: 'Start group call' }).click();
  else
    await conversation(person.page, GROUP)
      .getByRole('status', { name: 'Group call in progress' })
      .getByRole('button', { name: 'Join' })
      .click({ timeout: 60_000 });
  await expect(callScreen(person.page)).toBeVisible();
}

/** Everyone in `inCall` shows everyone else's tile, on `route`, and decodes every other's video. */
async function expectEveryoneDecoding(
  inCall: readonly Person[],
  route: 'mesh' | 'sfu',
  sfu?: Sfu,
): Promise<void> {
  for (const person of inCall) {
    await expect(callScreen(person.page)).toHaveAttribute('data-route', route, { timeout: 120_000 });
    await expect(callScreen(person.page).getByRole('figure')).toHaveCount(inCall.length, {
      timeout: 120_000,
    });
  }
  for (const person of inCall) {
    const others = inCall.filter((other) => other !== person).map((other) => other.name);
    try {
      await expectVideosDecoding(person.page, others);
    } catch (error) {
      // What each tile showed, for the failure's log.
      for (const someone of inCall) {
        console.log(`${someone.name} sees ${JSON.stringify(await remoteFrames(someone.page))}`);
        console.log(`${someone.name}'s receivers: ${JSON.stringify(await callDiagnostics(someone.page))}`);
      }
      if (sfu !== undefined)
        console.log(`the SFU's video consumers: ${JSON.stringify(await sfuConsumers(sfu))}`);
      throw error;
    }
  }
}

/** Every video consumer on the SFU, by viewer and owner (identities), as the worker sees it: for a failure's log. */
async function sfuConsumers(sfu: Sfu): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const room of sfu.context.rooms.all()) {
    const owners = new Map<string, string>();
    for (const peer of room.peers.values())
      for (const producer of peer.producers.values()) owners.set(producer.id, peer.identity.slice(0, 12));
    for (const peer of room.peers.values())
      for (const consumer of peer.consumers.values()) {
        if (consumer.kind !== 'video') continue;
        const stats = await consumer.getStats().catch(() => []);
        rows.push({
          viewer: peer.identity.slice(0, 12),
          owner: owners.get(consumer.producerId),
          type: consumer.type,
          paused: consumer.paused,
          producerPaused: consumer.producerPaused,
          score: consumer.score,
          layers: consumer.currentLayers,
          preferred: consumer.preferredLayers,
          payloadType: consumer.rtpParameters.codecs[0]?.payloadType,
          sent: stats.map((stat) => ({
            type: stat.type,
            packets: stat.packetCount,
            plis: stat.pliCount,
            firs: stat.firCount,
            nacks: stat.nackCount,
          })),
        });
      }
  }
  return rows;
}

/**
 * The media connections `person` has open, and how many of their senders and receivers pass frames through
 * an encoded transform (the call's frame encryption) — all of them, when the mesh is end-to-end encrypted.
 */
async function mediaConnections(
  person: Person,
): Promise<{ open: number; ends: number; transformed: number }> {
  return person.page.evaluate(() => {
    const connections = (
      (window as unknown as { __parleyPeerConnections?: RTCPeerConnection[] }).__parleyPeerConnections ?? []
    ).filter(
      (connection) => connection.connectionState !== 'closed' && connection.getTransceivers().length > 0,
    );
    // Every sender with a track, and the receiver of every transceiver that receives.
    const ends = connections.flatMap((connection) =>
      connection
        .getTransceivers()
        .flatMap((transceiver) => [
          ...(transceiver.sender.track === null ? [] : [transceiver.sender]),
          ...(transceiver.currentDirection?.includes('recv') === true ? [transceiver.receiver] : []),
        ]),
    );
    return {
      open: connections.length,
      ends: ends.length,
      transformed: ends.filter((end) => (end as { transform?: unknown }).transform != null).length,
    };
  });
}

test.describe('on a relay with an SFU', () => {
  test.use({ callServer: 'trusting' });

  test('three and then four people call on the mesh without the SFU; when a fifth joins the call moves to the SFU by itself and everyone keeps decoding everyone', async ({
    people,
    relay,
  }) => {
    const everyone = await openGroup(people, NAMES);
    const [alice, bob, carol, dave, erin] = everyone;
    const rooms = () => [...relay.sfu.context.rooms.all()];

    await join(alice, true);
    await join(bob, false);
    await join(carol, false);
    await expectEveryoneDecoding([alice, bob, carol], 'mesh');
    expect(rooms()).toEqual([]);

    await join(dave, false);
    await expectEveryoneDecoding([alice, bob, carol, dave], 'mesh');
    expect(rooms()).toEqual([]);
    // A direct connection to each of the three others, every frame through the call's frame encryption.
    for (const person of [alice, bob, carol, dave]) {
      const { open, ends, transformed } = await mediaConnections(person);
      expect(open).toBe(3);
      // Audio and video, sent and received, on each of the three.
      expect(ends).toBe(12);
      expect(transformed).toBe(ends);
    }

    // The fifth: the call's decider (the lowest account) says move; everyone is on the SFU, nobody clicked.
    await join(erin, false);
    await expectEveryoneDecoding(everyone, 'sfu', relay.sfu);
    const room = rooms()[0];
    expect(rooms()).toHaveLength(1);
    expect(room?.peers.size).toBe(5);
    // The mesh's connections are closed once the SFU decodes: the two SFU transports (send, recv) are left,
    // their frames encrypted under the same keys.
    for (const person of everyone) {
      const { open, ends, transformed } = await mediaConnections(person);
      expect(open).toBe(2);
      // Audio and video sent, and received from each of the four others, through the frame transform
      // (mediasoup's bandwidth probe adds a receiver of its own, which carries no media).
      expect(transformed).toBeGreaterThanOrEqual(10);
      expect(ends - transformed).toBeLessThanOrEqual(1);
    }
  });
});

test.describe('on a relay without an SFU', () => {
  test('five people stay on the mesh and everyone decodes everyone', async ({ people }) => {
    const everyone = await openGroup(people, NAMES);
    let first = true;
    for (const person of everyone) {
      await join(person, first);
      first = false;
    }
    await expectEveryoneDecoding(everyone, 'mesh');
  });

  test('a dropped direct connection shows “Reconnecting…” on its tile and comes back with video, nobody clicking', async ({
    people,
  }) => {
    const everyone = await openGroup(people, ['Alice', 'Bob', 'Carol']);
    const [alice, bob, carol] = everyone;
    await join(alice, true);
    await join(bob, false);
    await join(carol, false);
    await expectEveryoneDecoding(everyone, 'mesh');

    // Every state Alice's tiles go through, however briefly (the tile is back within seconds).
    await watchTileConnections(alice.page);
    const bobAtAlice = (await remoteFrames(alice.page)).Bob;
    const carolAtAlice = await expectVideosDecoding(alice.page, ['Carol']);

    // Alice's connection with Bob is closed under the call (test instrumentation, as a crashed network
    // stack would leave it): the mesh notices, re-opens the pair, and Bob's side takes the new connection.
    await closeConnectionBetween(alice, bob);
    await expect
      .poll(async () => (await tileConnections(alice.page)).filter((seen) => seen.name === 'Bob'), {
        timeout: 60_000,
      })
      .toContainEqual({ name: 'Bob', state: 'reconnecting' });
    await expectVideosDecoding(alice.page, ['Bob'], bobAtAlice === undefined ? {} : { Bob: bobAtAlice });
    await expect(callTile(alice.page, 'Bob').getByRole('status')).toBeHidden({ timeout: 60_000 });
    await expectVideosDecoding(bob.page, ['Alice', 'Carol']);
    // Carol's pairs were never touched: Alice still shows the same track of hers, decoding.
    const carolNow = await expectVideosDecoding(alice.page, ['Carol']);
    expect(carolNow.Carol?.track).toBe(carolAtAlice.Carol?.track);
    expect(await tileConnections(alice.page)).not.toContainEqual({ name: 'Bob', state: 'unreachable' });
    expect((await tileConnections(alice.page)).filter((seen) => seen.name === 'Carol')).toEqual([]);
  });
});

/** Records in the page every tile connection state the call screen shows (`data-connection`), in order. */
async function watchTileConnections(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: { name: string; state: string }[] = [];
    Object.defineProperty(window, '__parleyTileConnections', { value: seen });
    const record = (figure: Element) => {
      const state = figure.getAttribute('data-connection');
      if (state !== null) seen.push({ name: figure.getAttribute('aria-label') ?? '?', state });
    };
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        if (mutation.type === 'attributes' && mutation.target instanceof Element) record(mutation.target);
        for (const node of Array.from(mutation.addedNodes))
          if (node instanceof Element) node.querySelectorAll('figure').forEach(record);
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-connection'],
    });
  });
}

async function tileConnections(page: Page): Promise<{ name: string; state: string }[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __parleyTileConnections?: { name: string; state: string }[] })
        .__parleyTileConnections ?? [],
  );
}

/** Closes `a`'s media connection with `b`: the one whose remote ICE username fragment is `b`'s local one. */
async function closeConnectionBetween(a: Person, b: Person): Promise<void> {
  const ufrags = (page: Page, which: 'local' | 'remote') =>
    page.evaluate((side) => {
      const connections =
        (window as unknown as { __parleyPeerConnections?: RTCPeerConnection[] }).__parleyPeerConnections ??
        [];
      return connections.map((connection) => {
        if (connection.signalingState === 'closed' || connection.getTransceivers().length === 0) return null;
        const sdp = (side === 'local' ? connection.localDescription : connection.remoteDescription)?.sdp;
        return /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1] ?? null;
      });
    }, which);
  const theirs = new Set((await ufrags(b.page, 'local')).filter((ufrag) => ufrag !== null));
  const index = (await ufrags(a.page, 'remote')).findIndex((ufrag) => ufrag !== null && theirs.has(ufrag));
  expect(index).toBeGreaterThanOrEqual(0);
  await a.page.evaluate((at) => {
    (window as unknown as { __parleyPeerConnections: RTCPeerConnection[] }).__parleyPeerConnections[
      at
    ]?.close();
  }, index);
}
