import { expectNoSeriousA11yViolations } from './support/axe.js';
import { expect, test } from './support/fixtures.js';
import { openFriends } from './support/friends.js';
import { bubble, conversation, expectTick, sendText } from './support/ui.js';

test('during a relay outage the header stops saying online, and the banner says direct chats still deliver', async ({
  people,
  relay,
}, testInfo) => {
  const [alice, bob] = await openFriends(people, 'Alice', 'Bob');
  await sendText(alice.page, 'hello before the outage');
  await expect(bubble(bob.page, 'hello before the outage')).toBeVisible();
  const header = conversation(alice.page, 'Bob');
  await expect(header.getByRole('status', { name: 'Route: Direct' })).toBeVisible({ timeout: 60_000 });
  await expect(header.getByTestId('presence')).toHaveText('online');

  // The relay goes away. Bob's app is still linked directly: that chat still delivers, and says so.
  await relay.stop();
  const banner = alice.page.getByRole('status').filter({ hasText: 'Your relay can’t be reached' });
  await expect(banner).toContainText('Chats marked Direct still deliver');
  await expect(header.getByTestId('presence')).toHaveText('online');
  await sendText(alice.page, 'still reaching you directly');
  await expect(bubble(bob.page, 'still reaching you directly')).toBeVisible();
  await expectTick(alice.page, 'still reaching you directly', 'Read');
  await alice.page.screenshot({ path: testInfo.outputPath('outage-direct.png') });

  // Bob closes Parley: the direct link goes, and with no relay nobody can know whether he is online.
  await bob.quit();
  await expect(header.getByRole('status', { name: 'Route: Relay' })).toBeVisible({ timeout: 90_000 });
  await expect(header.getByTestId('presence')).toHaveText(/^last seen today at /u);
  await expect(banner).toContainText('Messages you send wait on this device');
  await sendText(alice.page, 'waiting for the relay');
  await expectTick(alice.page, 'waiting for the relay', 'Pending');
  await alice.page.screenshot({ path: testInfo.outputPath('outage-unknown.png') });
  await expectNoSeriousA11yViolations(alice.page, 'relay outage banner');

  await relay.resume();
  await expect(banner).toBeHidden();
  await expectTick(alice.page, 'waiting for the relay', 'Sent');
});
