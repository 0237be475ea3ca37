import { expect, test } from './support/fixtures.js';
import { checkAtPhoneWidths } from './support/layout.js';
import {
  addEachOther,
  conversation,
  createGroup,
  expectControlsLabelled,
  onboard,
  openChat,
  sendText,
} from './support/ui.js';

/*
 * Every main screen at 360, 390 and 768 px: each visible control lies inside the viewport (and inside what
 * clips it), can be scrolled to, and is not covered. A screenshot per screen and width.
 */

const GROUP = 'Phone group';

test('every main screen fits a phone at 360, 390 and 768 px: controls inside the viewport and reachable', async ({
  people,
}, testInfo) => {
  const [alice, bob] = await people('Alice', 'Bob');
  const page = alice.page;
  const shot = (name: string) => testInfo.outputPath(name);
  await page.setViewportSize({ width: 390, height: 740 });

  await checkAtPhoneWidths(page, 'onboarding', shot);
  await onboard(page, 'Alice');
  await onboard(bob.page, 'Bob');
  await addEachOther([alice, bob]);
  await openChat(bob.page, 'Alice');
  await sendText(bob.page, 'A message long enough to reach the edge of a narrow phone screen, twice over.');
  // Bob posts a status, so Alice has one to open.
  await bob.page.getByRole('button', { name: 'Post a status' }).click();
  const composer = bob.page.getByRole('dialog', { name: 'Post a status' });
  await composer.getByLabel('Status text').click();
  await bob.page.keyboard.type('On a phone');
  await composer.getByRole('button', { name: 'Post status' }).click();
  await expect(composer).toBeHidden();

  // The chat list (with the status strip) and its dialogs.
  await page.getByRole('button', { name: 'Back to chats' }).click();
  await expect(page.getByRole('navigation', { name: 'Chats' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Status from Bob/u })).toBeVisible();
  await checkAtPhoneWidths(page, 'chat list', shot);
  await expect(page.getByRole('button', { name: 'Settings' })).toBeInViewport();

  for (const [button, dialog] of [
    ['My contact link', 'My contact link'],
    ['Add contact', 'Add a contact'],
    ['New group', 'New group'],
    ['Post a status', 'Post a status'],
  ] as const) {
    await page.getByRole('button', { name: button }).click();
    await expect(page.getByRole('dialog', { name: dialog })).toBeVisible();
    await checkAtPhoneWidths(page, `dialog ${dialog}`, shot);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: dialog })).toBeHidden();
  }

  // The status viewer.
  await page.getByRole('button', { name: /^Status from Bob/u }).click();
  const viewer = page.getByRole('dialog', { name: 'Status from Bob' });
  await page.getByRole('button', { name: 'Pause' }).click();
  await checkAtPhoneWidths(page, 'status viewer', shot);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // Settings.
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('complementary', { name: 'Settings' })).toBeVisible();
  await checkAtPhoneWidths(page, 'settings', shot);
  await page.getByRole('button', { name: /^Close (Settings|Contact info)$/u }).click();

  // A conversation, with its emoji picker open, and contact info.
  await openChat(page, 'Bob');
  await checkAtPhoneWidths(page, 'conversation', shot);
  await page.getByRole('button', { name: 'Emoji' }).click();
  await checkAtPhoneWidths(page, 'emoji picker', shot);
  await page.keyboard.press('Escape');
  await conversation(page, 'Bob').getByRole('button', { name: 'Contact info' }).click();
  await expect(page.getByRole('complementary', { name: 'Contact info' })).toBeVisible();
  await checkAtPhoneWidths(page, 'contact info', shot);
  await page.getByRole('button', { name: /^Close (Settings|Contact info)$/u }).click();

  // A group conversation and its info panel.
  await page.getByRole('button', { name: 'Back to chats' }).click();
  await createGroup(page, GROUP, ['Bob']);
  await checkAtPhoneWidths(page, 'group conversation', shot);
  await conversation(page, GROUP).getByRole('button', { name: 'Group info' }).click();
  await expect(page.getByRole('complementary', { name: 'Group info' })).toBeVisible();
  await checkAtPhoneWidths(page, 'group info', shot);
  await expectControlsLabelled(page);
});
