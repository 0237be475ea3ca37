import { expect, test } from './support/fixtures.js';
import {
  audioContexts,
  callLine,
  callScreen,
  callingPair,
  expectAnsweredLines,
  expectGrowing,
  localTracks,
  notifications,
  received,
  recordCalls,
} from './support/calls.js';
import { expectNoSeriousA11yViolations } from './support/axe.js';
import { checkAtPhoneWidths } from './support/layout.js';
import { addContact, expectControlsLabelled, myContactLink, onboard, openChat } from './support/ui.js';

/*
 * 1:1 calls in Chromium with its fake camera and microphone, against a real relay, media peer to peer over
 * loopback. Counters come from each page's own getStats (support/calls.ts records the peer connections).
 */

test('a video call both ways: media flows each way, mute, camera-off and a shared screen show on the other side, and hang-up stops every track', async ({
  people,
}, testInfo) => {
  const shot = (name: string) => testInfo.outputPath(name);
  const { alice, bob } = await callingPair(people);

  await alice.page.getByRole('button', { name: 'Video call', exact: true }).click();
  const incoming = callScreen(bob.page, 'Incoming video call from Alice');
  await expect(incoming).toBeVisible();
  await expect(callScreen(alice.page, 'Call with Bob').getByLabel('Call status')).toHaveText('Ringing…');
  // The callee hears a ringtone and gets a system notification.
  await expect.poll(() => audioContexts(bob.page)).toEqual(['running']);
  await expect
    .poll(() => notifications(bob.page))
    .toEqual([{ title: 'Alice', body: 'Incoming video call', closed: false }]);
  await expectControlsLabelled(bob.page);
  await expectNoSeriousA11yViolations(bob.page, 'incoming call');
  await bob.page.screenshot({ path: shot('incoming-video-call.png') });
  await checkAtPhoneWidths(bob.page, 'incoming call', shot);
  await bob.page.setViewportSize({ width: 1100, height: 760 });

  await incoming.getByRole('button', { name: 'Accept with video' }).click();
  // Answering stops the ringing and takes the notification away.
  await expect.poll(() => audioContexts(bob.page)).toEqual(['closed']);
  await expect.poll(async () => (await notifications(bob.page))[0]?.closed).toBe(true);
  const aliceScreen = callScreen(alice.page, 'Call with Bob');
  const bobScreen = callScreen(bob.page, 'Call with Alice');
  await expect(aliceScreen.getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);
  await expect(bobScreen.getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);

  // Video and audio arrive at both sides and keep arriving.
  for (const page of [alice.page, bob.page]) {
    await expectGrowing(page, (counters) => counters.framesDecoded);
    await expectGrowing(page, (counters) => counters.totalSamplesReceived);
  }
  await expect(aliceScreen.getByLabel('Bob’s video')).toBeVisible();
  await expect(aliceScreen.getByRole('group', { name: /^Your video/u })).toBeVisible();
  await expectControlsLabelled(alice.page);
  await expectNoSeriousA11yViolations(alice.page, 'in call');
  await alice.page.screenshot({ path: shot('in-call-alice.png') });
  await bob.page.screenshot({ path: shot('in-call-bob.png') });

  // Alice's own video moves where she drags it.
  const own = aliceScreen.getByRole('group', { name: /^Your video/u });
  const before = await own.boundingBox();
  if (before === null) throw new Error('no own video');
  await alice.page.mouse.move(before.x + 20, before.y + 20);
  await alice.page.mouse.down();
  await alice.page.mouse.move(before.x - 180, before.y - 100, { steps: 5 });
  await alice.page.mouse.up();
  const after = await own.boundingBox();
  expect(Math.round((after?.x ?? 0) - before.x)).toBe(-200);
  await checkAtPhoneWidths(alice.page, 'in call', shot);
  await alice.page.setViewportSize({ width: 1100, height: 760 });

  // Mute and camera-off show on the other side.
  await aliceScreen.getByRole('button', { name: 'Mute' }).click();
  await expect(bobScreen.getByRole('status').filter({ hasText: 'Alice is muted' })).toBeVisible();
  await aliceScreen.getByRole('button', { name: 'Turn camera off' }).click();
  await expect(bobScreen.getByRole('status').filter({ hasText: 'Alice’s camera is off' })).toBeVisible();
  await expect(bobScreen.getByLabel('Alice’s video')).toBeHidden();
  await bob.page.screenshot({ path: shot('peer-muted-camera-off.png') });
  await aliceScreen.getByRole('button', { name: 'Unmute' }).click();
  await aliceScreen.getByRole('button', { name: 'Turn camera on' }).click();
  await expect(bobScreen.getByRole('status')).toHaveCount(0);
  await expect(bobScreen.getByLabel('Alice’s video')).toBeVisible();

  // Alice picks another microphone and speaker while in the call: the old microphone stops, Bob keeps
  // hearing her, and her call audio plays on the chosen output (setSinkId).
  await aliceScreen.getByRole('button', { name: 'Devices' }).click();
  const devices = aliceScreen.getByRole('group', { name: 'Devices' });
  await devices.getByLabel('Microphone').selectOption({ label: 'Fake Audio Input 2' });
  await expect
    .poll(async () =>
      (await localTracks(alice.page)).filter((t) => t.kind === 'audio').map((t) => t.readyState),
    )
    .toEqual(['ended', 'live']);
  await expectGrowing(bob.page, (counters) => counters.totalSamplesReceived);
  await devices.getByLabel('Speaker').selectOption({ label: 'Fake Audio Output 1' });
  await expect
    .poll(() => alice.page.evaluate(`document.querySelector('.call-screen audio').sinkId`))
    .not.toBe('');
  await alice.page.screenshot({ path: shot('devices.png') });
  await aliceScreen.getByRole('button', { name: 'Devices' }).click();

  // Bob shares his screen: Alice is told, and the screen's frames (not the camera's) arrive.
  const cameraWidth = (await received(alice.page)).frameWidth;
  await bobScreen.getByRole('button', { name: 'Share screen' }).click();
  await expect(
    aliceScreen.getByRole('status').filter({ hasText: 'Bob is sharing their screen' }),
  ).toBeVisible();
  await expect.poll(async () => (await received(alice.page)).frameWidth).not.toBe(cameraWidth);
  await expectGrowing(alice.page, (counters) => counters.framesDecoded);
  await alice.page.screenshot({ path: shot('screen-shared.png') });
  await bobScreen.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(aliceScreen.getByRole('status')).toHaveCount(0);

  await aliceScreen.getByRole('button', { name: 'Hang up' }).click();
  await expect(bobScreen.getByLabel('Call status')).toHaveText('Call ended');
  // Every microphone, camera and screen track either side opened is stopped.
  for (const page of [alice.page, bob.page]) {
    await expect
      .poll(async () => (await localTracks(page)).filter((t) => t.readyState !== 'ended'))
      .toEqual([]);
  }
  expect((await localTracks(bob.page)).map((track) => track.kind).sort()).toEqual([
    'audio',
    'video',
    'video',
  ]);
  await expectAnsweredLines({ alice, bob }, 'video');
});

test('decline with a message, a call nobody answers, and calling back from the line with the camera turned on mid-call: the right lines on both sides', async ({
  people,
}, testInfo) => {
  // Ringing is shortened to 3 s for "nobody answers" (the default is 45 s).
  const { alice, bob } = await callingPair(people, { ringMs: 3000 });

  await alice.page.getByRole('button', { name: 'Voice call', exact: true }).click();
  const incoming = callScreen(bob.page, 'Incoming voice call from Alice');
  await incoming.getByRole('button', { name: 'Decline with a message' }).click();
  await bob.page.screenshot({ path: testInfo.outputPath('decline-with-message.png') });
  await incoming.getByRole('button', { name: 'I’ll call you right back.' }).click();
  await expect(incoming).toBeHidden();
  await expect(callScreen(alice.page, 'Call with Bob').getByLabel('Call status')).toHaveText(
    'Bob declined: I’ll call you right back.',
  );
  await expect(
    callLine(alice.page, 'Outgoing voice call · declined: I’ll call you right back.'),
  ).toBeVisible();
  await expect(callLine(bob.page, 'Incoming voice call · declined: I’ll call you right back.')).toBeVisible();
  // Nothing was opened that still runs: the caller's microphone is stopped.
  await expect.poll(async () => (await localTracks(alice.page)).map((t) => t.readyState)).toEqual(['ended']);

  // Nobody answers. (The ended screen closes by itself.)
  await expect(callScreen(alice.page, 'Call with Bob')).toBeHidden();
  await alice.page.getByRole('button', { name: 'Voice call', exact: true }).click();
  await expect(incoming).toBeVisible();
  await expect.poll(() => audioContexts(bob.page)).toContain('running');
  await expect(incoming).toBeHidden();
  await expect(callScreen(alice.page, 'Call with Bob').getByLabel('Call status')).toHaveText('No answer');
  await expect.poll(() => audioContexts(bob.page)).toEqual(['closed', 'closed']);
  await expect(callLine(alice.page, 'Outgoing voice call · no answer')).toBeVisible();
  await expect(callLine(bob.page, 'Missed voice call')).toBeVisible();
  await bob.page.screenshot({ path: testInfo.outputPath('missed-call-line.png') });

  // Bob calls back from the line; Alice accepts; Bob hangs up.
  await expect(callScreen(alice.page, 'Call with Bob')).toBeHidden();
  await expect(callScreen(bob.page, 'Call with Alice')).toBeHidden();
  await callLine(bob.page, 'Missed voice call').click();
  const callBack = callScreen(alice.page, 'Incoming voice call from Bob');
  await expect(callBack).toBeVisible();
  await callBack.getByRole('button', { name: 'Accept' }).click();
  await expect(callScreen(bob.page, 'Call with Alice').getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);
  await expectGrowing(alice.page, (counters) => counters.totalSamplesReceived);
  // Alice turns her camera on in the voice call: the call is renegotiated from her side and Bob sees her.
  expect((await received(bob.page)).framesDecoded).toBe(0);
  await callScreen(alice.page, 'Call with Bob').getByRole('button', { name: 'Turn camera on' }).click();
  await expectGrowing(bob.page, (counters) => counters.framesDecoded);
  await expect(callScreen(bob.page, 'Call with Alice').getByLabel('Alice’s video')).toBeVisible();
  await callScreen(bob.page, 'Call with Alice').getByRole('button', { name: 'Hang up' }).click();
  await expect(
    alice.page.getByRole('button', { name: /^Call back: Incoming voice call · \d+:\d\d$/u }),
  ).toBeVisible();
  await expect(
    bob.page.getByRole('button', { name: /^Call back: Outgoing voice call · \d+:\d\d$/u }),
  ).toBeVisible();
});

test('a call to someone already in a call is answered busy: busy for the caller, missed for the callee', async ({
  people,
}) => {
  const { alice, bob } = await callingPair(people);
  const [carol] = await people('Carol');
  await recordCalls(carol);
  await onboard(carol.page, 'Carol');
  await addContact(bob.page, await myContactLink(carol.page));
  await addContact(carol.page, await myContactLink(bob.page));
  await openChat(carol.page, 'Bob');

  await alice.page.getByRole('button', { name: 'Voice call', exact: true }).click();
  await callScreen(bob.page, 'Incoming voice call from Alice')
    .getByRole('button', { name: 'Accept' })
    .click();
  await expect(callScreen(bob.page, 'Call with Alice').getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);

  await carol.page.getByRole('button', { name: 'Voice call', exact: true }).click();
  await expect(callScreen(carol.page, 'Call with Bob').getByLabel('Call status')).toHaveText(
    'Bob is on another call',
  );
  await expect(callLine(carol.page, 'Outgoing voice call · busy')).toBeVisible();
  // Bob's call with Alice goes on; Carol's call is a missed call in their chat.
  await expect(callScreen(bob.page, 'Call with Alice').getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u);
  await callScreen(bob.page, 'Call with Alice').getByRole('button', { name: 'Hang up' }).click();
  await expect(callScreen(bob.page, 'Call with Alice')).toBeHidden();
  await openChat(bob.page, 'Carol');
  await expect(callLine(bob.page, 'Missed voice call')).toBeVisible();
});
