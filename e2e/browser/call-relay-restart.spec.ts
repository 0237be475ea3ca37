import { expect, test } from './support/fixtures.js';
import {
  callScreen,
  callingPair,
  expectAnsweredLines,
  expectGrowing,
  videoCallAccepted,
} from './support/calls.js';
import type { Person } from './support/people.js';

/*
 * 1:1 calls in Chromium that need no relay once they run: media is peer to peer, so a relay restart mid-call
 * is invisible to the call; and what the two browsers negotiated for voice (Opus with in-band FEC).
 */

/** The Opus `a=fmtp` parameters of each SDP (local and remote) of the page's call connections. */
async function opusFmtp(person: Person): Promise<string[]> {
  return person.page.evaluate(`(() => {
    const found = [];
    for (const pc of window.parleyCallTest.pcs) {
      // The call's own connection carries media; the chat's data link (simple-peer) has no transceivers.
      if (pc.connectionState !== 'connected' || pc.getTransceivers().length === 0) continue;
      for (const description of [pc.localDescription, pc.remoteDescription]) {
        const sdp = description ? description.sdp : '';
        const rtpmap = /^a=rtpmap:(\\d+) opus\\/48000/imu.exec(sdp);
        const fmtp = rtpmap && new RegExp('^a=fmtp:' + rtpmap[1] + ' (.*)$', 'mu').exec(sdp);
        found.push(fmtp ? fmtp[1].trim() : 'no opus fmtp');
      }
    }
    return found;
  })()`);
}

function relayBanner(person: Person) {
  return person.page.getByRole('status').filter({ hasText: 'Your relay can’t be reached' });
}

test('the call survives the relay restarting mid-call (media is peer to peer)', async ({
  people,
  relay,
}, testInfo) => {
  const { alice, bob } = await callingPair(people);
  await videoCallAccepted({ alice, bob });
  const aliceStatus = callScreen(alice.page, 'Call with Bob').getByLabel('Call status');
  const bobStatus = callScreen(bob.page, 'Call with Alice').getByLabel('Call status');
  await expect(aliceStatus).toHaveText(/^\d+:\d\d$/u);
  await expect(bobStatus).toHaveText(/^\d+:\d\d$/u);
  for (const person of [alice, bob]) await expectGrowing(person.page, (counters) => counters.framesDecoded);

  // The relay goes away, and both apps know it: video keeps arriving and both stay in the call.
  await relay.stop();
  for (const person of [alice, bob]) await expect(relayBanner(person)).toBeVisible();
  for (const person of [alice, bob]) await expectGrowing(person.page, (counters) => counters.framesDecoded);
  await expect(aliceStatus).toHaveText(/^\d+:\d\d$/u);
  await expect(bobStatus).toHaveText(/^\d+:\d\d$/u);
  await alice.page.screenshot({ path: testInfo.outputPath('call-while-relay-down.png') });

  // The relay is back: the call is still the same call, and hanging up ends it on both sides.
  await relay.resume();
  for (const person of [alice, bob]) await expect(relayBanner(person)).toBeHidden();
  for (const person of [alice, bob]) await expectGrowing(person.page, (counters) => counters.framesDecoded);
  await callScreen(alice.page, 'Call with Bob').getByRole('button', { name: 'Hang up' }).click();
  await expect(bobStatus).toHaveText('Call ended');
  await expectAnsweredLines({ alice, bob }, 'video');
});

test('a voice call negotiates Opus with in-band FEC on both sides', async ({ people }) => {
  const { alice, bob } = await callingPair(people);
  await alice.page.getByRole('button', { name: 'Voice call', exact: true }).click();
  await callScreen(bob.page, 'Incoming voice call from Alice')
    .getByRole('button', { name: 'Accept' })
    .click();
  await expect(callScreen(alice.page, 'Call with Bob').getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);
  await expectGrowing(bob.page, (counters) => counters.totalSamplesReceived);

  // Each side's local and remote description: the Opus payload type's parameters ask for in-band FEC.
  for (const person of [alice, bob]) {
    const fmtp = await opusFmtp(person);
    expect(fmtp).toHaveLength(2);
    for (const parameters of fmtp) expect(parameters.split(';')).toContain('useinbandfec=1');
  }
  await callScreen(alice.page, 'Call with Bob').getByRole('button', { name: 'Hang up' }).click();
  await expect(callScreen(bob.page, 'Call with Alice').getByLabel('Call status')).toHaveText('Call ended');
});
