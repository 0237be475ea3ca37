import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures.js';
import { twoContacts } from './support/files-and-pairs.js';
import {
  addContact,
  bubble,
  chatRow,
  conversation,
  expectControlsLabelled,
  expectTick,
  myContactLink,
  onboard,
  openChat,
  sendText,
  unlock,
  visibleMessages,
} from './support/ui.js';

const PICTURE = fileURLToPath(new URL('../../desktop/assets/icon.png', import.meta.url));

test('two people add each other by link, chat both ways, and ticks reach read', async ({
  people,
}, testInfo) => {
  const [alice, bob] = await people('Alice', 'Bob');
  await expectControlsLabelled(alice.page);
  await alice.page.screenshot({ path: testInfo.outputPath('onboarding.png') });
  await onboard(alice.page, 'Alice', { picture: PICTURE });
  await onboard(bob.page, 'Bob');
  await expect(
    alice.page.getByRole('navigation', { name: 'Chats' }).locator('header img.avatar'),
  ).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('chat-list-empty.png') });
  // Installable: the manifest is linked and the service worker is running.
  await expect(alice.page.locator('link[rel="manifest"]')).toHaveAttribute('href', './manifest.webmanifest');
  await expect
    .poll(() =>
      alice.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state),
    )
    .toBe('activated');

  await expectControlsLabelled(alice.page);
  const aliceLink = await myContactLink(alice.page);
  const bobLink = await myContactLink(bob.page);
  expect(aliceLink).toMatch(/^parley:\/\/contact\?/u);
  await addContact(bob.page, aliceLink);
  await addContact(alice.page, bobLink);
  await expect(conversation(bob.page, 'Alice')).toBeVisible();
  await expect(conversation(alice.page, 'Bob')).toBeVisible();

  await sendText(bob.page, 'Hi Alice, it is Bob');
  await expect(bubble(alice.page, 'Hi Alice, it is Bob')).toBeVisible();
  await sendText(alice.page, 'Hello Bob!');
  await expect(bubble(bob.page, 'Hello Bob!')).toBeVisible();

  // Both have the conversation open and visible, so each reads the other's message.
  await expectTick(bob.page, 'Hi Alice, it is Bob', 'Read');
  await expectTick(alice.page, 'Hello Bob!', 'Read');
  await expect(chatRow(alice.page, 'Bob')).toBeVisible();
  await expectControlsLabelled(alice.page);
  await alice.page.screenshot({ path: testInfo.outputPath('conversation-alice.png') });
  await alice.page.emulateMedia({ colorScheme: 'dark' });
  await alice.page.screenshot({ path: testInfo.outputPath('conversation-alice-dark.png') });
  await bob.page.screenshot({ path: testInfo.outputPath('conversation-bob.png') });
});

test('messages sent while someone has closed their browser arrive in order when they come back', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await sendText(bob.page, 'before you go');
  await expect(bubble(alice.page, 'before you go')).toBeVisible();
  await expectTick(bob.page, 'before you go', 'Read');

  await alice.quit();
  for (const text of ['first while away', 'second while away', 'third while away']) {
    await sendText(bob.page, text);
    await expectTick(bob.page, text, 'Sent');
  }

  const page = await alice.reopen();
  await page.getByLabel('Passphrase', { exact: true }).click();
  await page.keyboard.type('not my passphrase');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('That passphrase does not open the keys on this device');
  await page.getByLabel('Passphrase', { exact: true }).clear();
  await unlock(page);
  await expect(chatRow(page, 'Bob')).toContainText('third while away');
  await expect(chatRow(page, 'Bob')).toHaveAccessibleName(/, 3 unread,/);
  await expect(page).toHaveTitle('(3) Parley');
  await openChat(page, 'Bob');
  await expect(bubble(page, 'third while away')).toBeVisible();
  expect(await visibleMessages(page)).toEqual([
    'before you go',
    'first while away',
    'second while away',
    'third while away',
  ]);
  await expectTick(bob.page, 'third while away', 'Read');
  await expect(page).toHaveTitle('Parley');
  await page.screenshot({ path: testInfo.outputPath('after-return.png') });
});

test('while the relay is down both people are told, and they chat again once it is back', async ({
  people,
  relay,
}) => {
  const [alice, bob] = await people('Alice', 'Bob');
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  const linkA = await myContactLink(alice.page);
  const linkB = await myContactLink(bob.page);
  await addContact(bob.page, linkA);
  await addContact(alice.page, linkB);

  await relay.stop();
  const banner = (page: typeof alice.page) =>
    page.getByRole('status').filter({ hasText: 'Your relay can’t be reached' });
  await expect(banner(alice.page)).toBeVisible();
  await expect(banner(bob.page)).toBeVisible();

  await relay.resume();
  await expect(banner(alice.page)).toBeHidden();
  await expect(banner(bob.page)).toBeHidden();
  await sendText(bob.page, 'back again');
  await expect(bubble(alice.page, 'back again')).toBeVisible();
  await expectTick(bob.page, 'back again', 'Read');
});
