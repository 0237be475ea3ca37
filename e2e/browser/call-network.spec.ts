import type { WebSocketRoute } from '@playwright/test';
import { TestCoturn } from './support/coturn.js';
import { callScreen, callingPair, expectGrowing, videoCallAccepted } from './support/calls.js';
import { expect, test as base } from './support/fixtures.js';
import type { Person } from './support/people.js';
import { openChat, openSettings, settingsPanel } from './support/ui.js';
import { WebRelay } from './support/web-relay.js';

/*
 * 1:1 calls and the network in Chromium: a relay-only person's call goes through the relay's coturn, and a
 * relay that alters a call's signalling makes the call fail closed with the reason on screen.
 */

const test = base.extend<{ coturn: TestCoturn }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  coturn: async ({}, use) => {
    const coturn = await TestCoturn.start();
    await use(coturn);
    await coturn.stop();
  },
  // The relay hands out this test's coturn with REST credentials from the shared secret, as in production.
  relay: async ({ coturn }, use) => {
    const relay = await WebRelay.start({ turn: coturn.relaySetting() });
    await use(relay);
    await relay.close();
  },
});

/** The selected candidate pair of the page's open call connections: each end's type and the TURN URL. */
async function selectedPairs(
  person: Person,
): Promise<{ local: string; remote: string; url: string | undefined }[]> {
  return person.page.evaluate(`(async () => {
    const pairs = [];
    for (const pc of window.parleyCallTest.pcs) {
      // The call's own connection carries media; the chat's data link (simple-peer) has no transceivers.
      if (pc.connectionState !== 'connected' || pc.getTransceivers().length === 0) continue;
      const reports = new Map();
      (await pc.getStats()).forEach((report) => reports.set(report.id, report));
      for (const report of reports.values()) {
        if (report.type !== 'transport' || !report.selectedCandidatePairId) continue;
        const pair = reports.get(report.selectedCandidatePairId);
        const local = pair && reports.get(pair.localCandidateId);
        const remote = pair && reports.get(pair.remoteCandidateId);
        if (local && remote) pairs.push({ local: local.candidateType, remote: remote.candidateType, url: local.url });
      }
    }
    return pairs;
  })()`);
}

/** `person` turns on "Relay-only calls and links" in settings and goes back to the chat with `contact`. */
async function turnOnRelayOnly(person: Person, contact: string): Promise<void> {
  const relayOnly = (await openSettings(person.page)).getByRole('switch', {
    name: 'Relay-only calls and links',
  });
  await relayOnly.click();
  await expect(relayOnly).toBeChecked();
  await person.page.keyboard.press('Escape');
  await expect(settingsPanel(person.page)).toBeHidden();
  await openChat(person.page, contact);
}

/** Both people's quality indicators: the label (route and a measured round trip) and the word beside the bars. */
async function expectQuality([alice, bob]: [Person, Person], label: RegExp, route: string): Promise<void> {
  for (const [page, peer] of [
    [alice.page, 'Bob'],
    [bob.page, 'Alice'],
  ] as const) {
    const quality = callScreen(page, `Call with ${peer}`).getByRole('img', {
      name: /^(Connection|Measuring)/u,
    });
    await expect(quality).toHaveAccessibleName(label);
    await expect(quality).toContainText(route);
  }
}

test('a relay-only person’s call goes through the relay’s TURN server, and media flows both ways', async ({
  people,
  coturn,
}, testInfo) => {
  const { alice, bob } = await callingPair(people);
  await turnOnRelayOnly(alice, 'Bob');

  await videoCallAccepted({ alice, bob });
  const aliceScreen = callScreen(alice.page, 'Call with Bob');
  await expect(aliceScreen.getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);
  for (const page of [alice.page, bob.page]) await expectGrowing(page, (counters) => counters.framesDecoded);

  // Alice's end of the path is a relayed candidate of this test's coturn: Bob never sees her address.
  await expect
    .poll(() => selectedPairs(alice))
    .toEqual([{ local: 'relay', remote: expect.any(String), url: coturn.url }]);
  expect(await coturn.log()).toContain('ALLOCATE processed, success');
  // The quality indicator says so on both sides, with a measured round trip.
  await expectQuality([alice, bob], /, Relayed \(through the TURN server\), round trip \d+ ms, /u, 'Relayed');
  await alice.page.screenshot({ path: testInfo.outputPath('relay-only-call.png') });
  await aliceScreen.getByRole('button', { name: 'Hang up' }).click();
  await expect(callScreen(bob.page, 'Call with Alice').getByLabel('Call status')).toHaveText('Call ended');
});

test('a call with no relay-only setting goes direct, and the quality indicator says so with its round trip', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await callingPair(people);
  await videoCallAccepted({ alice, bob });
  const aliceScreen = callScreen(alice.page, 'Call with Bob');
  await expect(aliceScreen.getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);
  await expectQuality([alice, bob], /^Connection (good|fair|poor), Direct, round trip \d+ ms, /u, 'Direct');
  await alice.page.screenshot({ path: testInfo.outputPath('direct-call-quality.png') });
  await aliceScreen.getByRole('button', { name: 'Hang up' }).click();
});

test('a relay-only call whose TURN server restarts shows “Reconnecting…”, restarts ICE and carries on', async ({
  people,
  coturn,
}) => {
  const { alice, bob } = await callingPair(people);
  await turnOnRelayOnly(alice, 'Bob');
  await alice.page.getByRole('button', { name: 'Voice call', exact: true }).click();
  await callScreen(bob.page, 'Incoming voice call from Alice')
    .getByRole('button', { name: 'Accept' })
    .click();
  const status = callScreen(alice.page, 'Call with Bob').getByLabel('Call status');
  await expect(status).toHaveText(/^\d+:\d\d$/u);

  // Its only path dies with the TURN server; when coturn is back, only an ICE restart finds a new one.
  await coturn.kill();
  await expect(status).toHaveText('Reconnecting…');
  await coturn.resume();
  await expect(status).toHaveText(/^\d+:\d\d$/u);
  await expectGrowing(alice.page, (counters) => counters.totalSamplesReceived);
  await expectGrowing(bob.page, (counters) => counters.totalSamplesReceived);
  await expect
    .poll(() => selectedPairs(alice))
    .toEqual([{ local: 'relay', remote: expect.any(String), url: coturn.url }]);
});

test('turning relay-only on during a direct call moves the call to the TURN server, and media keeps flowing', async ({
  people,
  coturn,
}, testInfo) => {
  const { alice, bob } = await callingPair(people);
  await videoCallAccepted({ alice, bob });
  const bobScreen = callScreen(bob.page, 'Call with Alice');
  await expect(bobScreen.getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);
  // A direct path first: neither end relayed, and the indicator says so.
  await expect.poll(() => selectedPairs(bob)).toEqual([{ local: 'host', remote: 'host', url: undefined }]);
  await expectQuality([alice, bob], /, Direct, round trip \d+ ms, /u, 'Direct');

  // Bob, who answered, turns relay-only on from the call screen (it covers Settings).
  await bobScreen.getByRole('button', { name: 'Devices' }).click();
  const relayOnly = bobScreen.getByRole('switch', { name: 'Relay-only calls and links' });
  await expect(relayOnly).not.toBeChecked();
  await relayOnly.click();
  await expect(relayOnly).toBeChecked();

  // The call in progress restarts ICE with relay candidates only: Bob's end is now this test's coturn.
  await expect
    .poll(() => selectedPairs(bob), { timeout: 60_000 })
    .toEqual([{ local: 'relay', remote: expect.any(String), url: coturn.url }]);
  expect(await coturn.log()).toContain('ALLOCATE processed, success');
  // The same call, still running, with media flowing both ways over the new path.
  await expect(bobScreen.getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);
  for (const page of [alice.page, bob.page]) {
    await expectGrowing(page, (counters) => counters.framesDecoded);
    await expectGrowing(page, (counters) => counters.totalSamplesReceived);
  }
  await expectQuality([alice, bob], /, Relayed \(through the TURN server\), round trip \d+ ms, /u, 'Relayed');
  await bob.page.screenshot({ path: testInfo.outputPath('relay-only-mid-call.png') });
  await bobScreen.getByRole('button', { name: 'Hang up' }).click();
  await expect(callScreen(alice.page, 'Call with Bob').getByLabel('Call status')).toHaveText('Call ended');
  // It is the same setting as in Settings › Privacy, and stays on for what follows.
  await bobScreen.getByRole('button', { name: 'Close' }).click();
  const inSettings = (await openSettings(bob.page)).getByRole('switch', {
    name: 'Relay-only calls and links',
  });
  await expect(inSettings).toBeChecked();
});

/**
 * Bob's relay connection through a hostile relay: after the first call signal that reaches him (the ring),
 * every call signal's sealed payload arrives with one character changed.
 */
async function alterCallSignalsAfterTheRing(person: Person): Promise<void> {
  let calls = 0;
  await person.page.routeWebSocket(/\/socket\.io\//u, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      if (typeof message !== 'string' || !message.startsWith('42[')) {
        ws.send(message);
        return;
      }
      const [event, payload] = JSON.parse(message.slice(2)) as [string, Record<string, unknown>];
      const data = payload?.['data'] as { sealed?: unknown } | undefined;
      if (event !== 'signal' || payload['kind'] !== 'call' || typeof data?.sealed !== 'string') {
        ws.send(message);
        return;
      }
      calls += 1;
      if (calls === 1) {
        ws.send(message);
        return;
      }
      const sealed = data.sealed;
      const at = Math.floor(sealed.length / 2);
      const altered = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
      ws.send(`42${JSON.stringify([event, { ...payload, data: { ...data, sealed: altered } }])}`);
    });
  });
}

test('a call whose signalling a relay alters fails closed on both sides, saying it could not be encrypted', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await callingPair(async (...names) => {
    const opened = await people(...names);
    const callee = opened[1];
    if (callee === undefined) throw new Error('Bob did not open');
    await alterCallSignalsAfterTheRing(callee);
    return opened;
  });

  await videoCallAccepted({ alice, bob });
  const reason = 'Call ended: it could not be end-to-end encrypted';
  await expect(callScreen(bob.page, 'Call with Alice').getByLabel('Call status')).toHaveText(reason);
  await expect(callScreen(alice.page, 'Call with Bob').getByLabel('Call status')).toHaveText(reason);
  await bob.page.screenshot({ path: testInfo.outputPath('call-failed-closed.png') });
});
