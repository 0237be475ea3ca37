import { expect, test } from './support/fixtures.js';
import { befriend, bubble, onboard, openChat, sendText } from './support/ui.js';

const COUNT = 110; // more than two pages of 50

test('a long conversation opens at the newest message and loads older pages while scrolling up', async ({
  people,
}, testInfo) => {
  const [alice, bob] = await people('Alice', 'Bob');
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  await befriend(alice, bob);
  // Alice looks away (the chat list), so Bob's messages pile up unread.
  await alice.page.getByRole('navigation', { name: 'Chats' }).getByRole('searchbox').click();

  for (let n = 1; n <= COUNT; n += 1) await sendText(bob.page, `message ${n}`);
  await expect(bubble(bob.page, `message ${COUNT}`)).toBeVisible();

  await alice.page.reload();
  await alice.page.getByLabel('Passphrase', { exact: true }).click();
  await alice.page.keyboard.type('correct horse battery staple');
  await alice.page.keyboard.press('Enter');
  await openChat(alice.page, 'Bob');
  await expect(bubble(alice.page, `message ${COUNT}`)).toBeVisible();
  // Virtualised: only what is near the screen is in the page.
  const rendered = await alice.page.getByRole('list', { name: 'Messages' }).getByRole('article').count();
  expect(rendered).toBeLessThan(COUNT / 2);
  await expect(bubble(alice.page, 'message 1')).toHaveCount(0);

  const list = alice.page.getByRole('list', { name: 'Messages' });
  await list.hover();
  // Keep scrolling up until the first page is in: each older page loads while the list sits at its top, so a
  // fixed number of wheel turns can run out before the loads do (it did, on a fast machine).
  await expect
    .poll(
      async () => {
        await alice.page.mouse.wheel(0, -1500);
        return bubble(alice.page, 'message 1').count();
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThan(0);
  await expect(bubble(alice.page, 'message 1')).toBeVisible();
  await expect(bubble(alice.page, 'message 2')).toBeVisible();
  await alice.page.getByRole('button', { name: 'Scroll to the latest message' }).click();
  await expect(bubble(alice.page, `message ${COUNT}`)).toBeVisible();
  await expect(alice.page.getByRole('button', { name: 'Scroll to the latest message' })).toBeHidden();
  await alice.page.screenshot({ path: testInfo.outputPath('history-top.png') });
});
