import { expect, test } from './support/fixtures.js';
import { callLine, callScreen, callingPair, expectGrowing, recordCalls } from './support/calls.js';
import { linkBrowser } from './support/linked-devices.js';
import { openChat } from './support/ui.js';

/*
 * Issue 15's calls to an account with two linked browsers, in Chromium with its fake microphone: Bob's call
 * rings both of Alice's browsers; the laptop answers, the first browser stops ringing and says the call was
 * answered on another device, and the call's media runs between Bob and the laptop. A call declined on one
 * of Alice's browsers stops ringing on the other too. One real relay, clicks only.
 */

test.describe.configure({ timeout: 300_000 });

test('a call to a person with two linked browsers rings both; one answers, the other says "answered on another device"; a decline on one stops both', async ({
  people,
}, testInfo) => {
  const shot = (name: string) => testInfo.outputPath(`${name}.png`);
  const { alice, bob } = await callingPair(people);
  const [laptop] = await people('Laptop');
  await recordCalls(laptop);
  await linkBrowser(alice.page, laptop.page);
  await openChat(laptop.page, 'Bob');
  await openChat(alice.page, 'Bob');

  // Bob calls Alice: both of her browsers ring.
  await bob.page.getByRole('button', { name: 'Voice call', exact: true }).click();
  const onPhone = callScreen(alice.page, 'Incoming voice call from Bob');
  const onLaptop = callScreen(laptop.page, 'Incoming voice call from Bob');
  await expect(onPhone).toBeVisible({ timeout: 30_000 });
  await expect(onLaptop).toBeVisible({ timeout: 30_000 });
  await alice.page.screenshot({ path: shot('ringing-on-both-first') });
  await laptop.page.screenshot({ path: shot('ringing-on-both-laptop') });

  // The laptop answers: the first browser stops ringing and keeps a line saying where it was answered.
  await onLaptop.getByRole('button', { name: 'Accept', exact: true }).click();
  await expect(onPhone).toBeHidden({ timeout: 30_000 });
  await expect(callLine(alice.page, 'Incoming voice call · answered on another device')).toBeVisible({
    timeout: 30_000,
  });
  await alice.page.screenshot({ path: shot('answered-on-another-device') });
  // The call runs between Bob and the laptop: both show its timer, and audio reaches each of them.
  const onBob = callScreen(bob.page, 'Call with Alice');
  const laptopCall = callScreen(laptop.page, 'Call with Bob');
  await expect(onBob.getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u, { timeout: 30_000 });
  await expect(laptopCall.getByLabel('Call status')).toHaveText(/^\d+:\d\d$/u, { timeout: 30_000 });
  await expect(callScreen(alice.page, 'Call with Bob')).toHaveCount(0);
  await expectGrowing(laptop.page, (counters) => counters.totalSamplesReceived);
  await expectGrowing(bob.page, (counters) => counters.totalSamplesReceived);
  await laptop.page.screenshot({ path: shot('in-call-on-laptop') });
  await laptopCall.getByRole('button', { name: 'Hang up' }).click();
  await expect(
    laptop.page.getByRole('button', { name: /^Call back: Incoming voice call · \d+:\d\d$/u }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(
    bob.page.getByRole('button', { name: /^Call back: Outgoing voice call · \d+:\d\d$/u }),
  ).toBeVisible({ timeout: 30_000 });
  await bob.page.getByRole('button', { name: 'Close' }).click();

  // Bob calls again; Alice declines on her first browser: the laptop stops ringing too, and Bob is told.
  await bob.page.getByRole('button', { name: 'Voice call', exact: true }).click();
  await expect(onPhone).toBeVisible({ timeout: 30_000 });
  await expect(onLaptop).toBeVisible({ timeout: 30_000 });
  await onPhone.getByRole('button', { name: 'Decline', exact: true }).click();
  await expect(onPhone).toBeHidden({ timeout: 30_000 });
  await expect(onLaptop).toBeHidden({ timeout: 30_000 });
  await expect(callScreen(bob.page, 'Call with Alice').getByLabel('Call status')).toHaveText(
    'Alice declined the call',
    { timeout: 30_000 },
  );
  await expect(callLine(laptop.page, 'Incoming voice call · declined')).toBeVisible({ timeout: 30_000 });
  await laptop.page.screenshot({ path: shot('declined-on-another-device') });
});
