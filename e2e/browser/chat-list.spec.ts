import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/axe.js';
import { expect, test } from './support/fixtures.js';
import {
  addContact,
  bubble,
  chatRow,
  conversation,
  expectControlsLabelled,
  myContactLink,
  onboard,
  openChat,
  sendText,
} from './support/ui.js';

const PICTURE = fileURLToPath(new URL('../../desktop/assets/icon.png', import.meta.url));

function conversations(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Chats' }).getByRole('list', { name: 'Conversations' });
}

function archivedRow(page: Page): Locator {
  return page
    .getByRole('navigation', { name: 'Chats' })
    .getByRole('button', { name: /^Archived ?\(\d+\)$/u });
}

/** Opens a chat row's menu by hovering the row and clicking its chevron, then picks an entry. */
async function chatAction(page: Page, name: string, action: string): Promise<void> {
  await chatRow(page, name).hover();
  await page.getByRole('button', { name: `Chat options for ${name}` }).click();
  await page.getByRole('menu', { name: 'Chat options' }).getByRole('menuitem', { name: action }).click();
  await expect(page.getByRole('menu', { name: 'Chat options' })).toBeHidden();
}

test('pinned chats stay on top, archived ones move under "Archived", pictures and names follow profiles, and a QR picture adds a contact', async ({
  people,
}, testInfo) => {
  const [alice, bob, carol] = await people('Alice', 'Bob', 'Carol');
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  await onboard(carol.page, 'Carol');

  // Carol adds Alice from a picture of Alice's contact QR code (a screenshot of it, saved as a PNG).
  await alice.page.getByRole('button', { name: 'My contact link' }).click();
  const qrPath = testInfo.outputPath('alice-contact-qr.png');
  await alice.page
    .getByRole('dialog', { name: 'My contact link' })
    .getByRole('img', { name: 'QR code of your contact link' })
    .screenshot({ path: qrPath });
  await alice.page.keyboard.press('Escape');

  await carol.page.getByRole('button', { name: 'Add contact' }).click();
  const addDialog = carol.page.getByRole('dialog', { name: 'Add a contact' });
  // A picture without a code is refused with a reason, and nothing is added.
  let chooser = carol.page.waitForEvent('filechooser');
  await addDialog.getByRole('button', { name: 'Scan QR code from an image' }).click();
  await (await chooser).setFiles(PICTURE);
  await expect(addDialog.getByRole('alert')).toHaveText('No QR code found in that picture');
  chooser = carol.page.waitForEvent('filechooser');
  await addDialog.getByRole('button', { name: 'Scan QR code from an image' }).click();
  await (await chooser).setFiles(qrPath);
  await expect(addDialog).toBeHidden();
  await expect(conversation(carol.page, 'Alice')).toBeVisible();

  await addContact(alice.page, await myContactLink(carol.page));
  await addContact(alice.page, await myContactLink(bob.page));
  await addContact(bob.page, await myContactLink(alice.page));

  // Carol and Alice chat; then Bob writes, so Bob's chat is the most recent.
  await sendText(carol.page, 'Hi Alice, Carol here (added you by QR)');
  await openChat(alice.page, 'Carol');
  await expect(bubble(alice.page, 'Hi Alice, Carol here (added you by QR)')).toBeVisible();
  await sendText(alice.page, 'Hello Carol!');
  await expect(bubble(carol.page, 'Hello Carol!')).toBeVisible();
  await sendText(bob.page, 'Bob says hi');
  await expect(conversations(alice.page).getByRole('listitem').first()).toContainText('Bob');

  // Pin Carol: her chat goes on top, with a pin, though Bob's is newer.
  await chatAction(alice.page, 'Carol', 'Pin chat');
  await expect(chatRow(alice.page, 'Carol')).toHaveAccessibleName(/^Carol ?, pinned/u);
  await expect(conversations(alice.page).getByRole('listitem').first()).toContainText('Carol');
  await expect(conversations(alice.page).getByRole('listitem').first().getByTestId('pinned')).toBeVisible();
  await expect(conversations(alice.page).getByRole('listitem').nth(1)).toContainText('Bob');

  // Archive Bob by right-click: he leaves the main list for "Archived (1)".
  await chatRow(alice.page, 'Bob').click({ button: 'right' });
  await alice.page
    .getByRole('menu', { name: 'Chat options' })
    .getByRole('menuitem', { name: 'Archive chat' })
    .click();
  await expect(chatRow(alice.page, 'Bob')).toBeHidden();
  await expect(archivedRow(alice.page)).toHaveAccessibleName(/^Archived ?\(1\)$/u);
  await expect(conversations(alice.page).getByRole('listitem').first()).toHaveText(/Archived/u);
  await expectControlsLabelled(alice.page);
  await alice.page.screenshot({ path: testInfo.outputPath('chat-list-pinned-archived.png') });
  await alice.page.emulateMedia({ colorScheme: 'dark' });
  await alice.page.screenshot({ path: testInfo.outputPath('chat-list-pinned-archived-dark.png') });
  await alice.page.emulateMedia({ colorScheme: 'light' });

  // A new message keeps Bob's chat archived ("keep chats archived"); it shows unread there.
  await sendText(bob.page, 'still here while archived');
  await archivedRow(alice.page).click();
  const archived = alice.page.getByRole('list', { name: 'Archived conversations' });
  await expect(
    archived.getByRole('button', { name: /^Bob ?, \d+ unread.*still here while archived$/u }),
  ).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('chat-list-archived.png') });
  await expectNoSeriousA11yViolations(alice.page, 'archived chats');
  await alice.page.getByRole('button', { name: 'Back to all chats' }).click();
  await expect(chatRow(alice.page, 'Bob')).toBeHidden();
  await expect(chatRow(alice.page, 'Carol')).toBeVisible();

  // Then, keyboard only: Mark as read, and Unarchive, from the row's menu (Shift+F10).
  await archivedRow(alice.page).click();
  await chatRow(alice.page, 'Bob').focus();
  await alice.page.keyboard.press('Shift+F10');
  const menu = alice.page.getByRole('menu', { name: 'Chat options' });
  await expect(menu.getByRole('menuitem', { name: 'Unarchive chat' })).toBeFocused();
  await expectNoSeriousA11yViolations(alice.page, 'archived chat menu');
  await alice.page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Mark as read' })).toBeFocused();
  await alice.page.keyboard.press('Enter');
  await expect(chatRow(alice.page, 'Bob')).toBeVisible();
  await expect(chatRow(alice.page, 'Bob')).not.toHaveAccessibleName(/unread/u);
  await chatRow(alice.page, 'Bob').focus();
  await alice.page.keyboard.press('Shift+F10');
  await expect(menu.getByRole('menuitem', { name: 'Unarchive chat' })).toBeFocused();
  await alice.page.keyboard.press('Enter');
  // The archived list emptied: the main list is back, with Bob under the pinned Carol.
  await expect(archivedRow(alice.page)).toBeHidden();
  await expect(conversations(alice.page).getByRole('listitem').first()).toContainText('Carol');
  await expect(conversations(alice.page).getByRole('listitem').nth(1)).toContainText('Bob');

  // Bob sets a picture and a new name in Settings; Alice's list and header show them without reload.
  await bob.page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = bob.page.getByRole('complementary', { name: 'Settings' });
  chooser = bob.page.waitForEvent('filechooser');
  await settings.getByText('Change picture').click();
  await (await chooser).setFiles(PICTURE);
  await expect(settings.locator('img.avatar')).toBeVisible();
  await settings.getByLabel('Your name', { exact: true }).click();
  await bob.page.keyboard.press('End');
  await bob.page.keyboard.type(' Builder');
  await settings.getByRole('button', { name: 'Save profile' }).click();
  await expect(settings.getByRole('status').filter({ hasText: 'Profile saved' })).toBeVisible();

  await expect(chatRow(alice.page, 'Bob Builder')).toBeVisible();
  await expect(chatRow(alice.page, 'Bob Builder').locator('img.avatar')).toBeVisible();
  await openChat(alice.page, 'Bob Builder');
  const header = conversation(alice.page, 'Bob Builder').locator('header');
  await expect(header.getByRole('heading', { name: 'Bob Builder' })).toBeVisible();
  await expect(header.locator('img.avatar')).toBeVisible();
  await expectControlsLabelled(alice.page);
  await alice.page.screenshot({ path: testInfo.outputPath('chat-list-avatars.png') });

  // Unpin Carol: the list is by recency again.
  await chatAction(alice.page, 'Carol', 'Unpin chat');
  await expect(chatRow(alice.page, 'Carol')).not.toHaveAccessibleName(/pinned/u);
  await expect(conversations(alice.page).getByRole('listitem').first()).toContainText('Bob Builder');
});
