import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/axe.js';
import { expect, test } from './support/fixtures.js';
import {
  addEachOther,
  befriend,
  chatRow,
  conversation,
  createGroup,
  expectControlsLabelled,
  onboard,
  openChat,
  sendText,
  unlock,
} from './support/ui.js';

const PICTURE = fileURLToPath(new URL('../../desktop/assets/icon.png', import.meta.url));
const GROUP = 'Book club';

/** Vertical distance between the centres of two boxes on screen, in pixels. */
async function centreGap(a: Locator, b: Locator): Promise<number> {
  const [boxA, boxB] = await Promise.all([a.boundingBox(), b.boundingBox()]);
  if (boxA === null || boxB === null) throw new Error('not on screen');
  return Math.abs(boxA.y + boxA.height / 2 - (boxB.y + boxB.height / 2));
}

function backgroundOf(avatar: Locator): Promise<string> {
  return avatar.evaluate((element) => getComputedStyle(element).backgroundColor);
}

function ownAvatar(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Chats' }).locator('.pane-header .avatar');
}

test('a new chat opens with the encryption notice and its safety number; avatar colours and one-line rows agree everywhere', async ({
  people,
}, testInfo) => {
  const [alice, bob, carol] = await people('Alice', 'Bob', 'Carol');
  for (const person of [alice, bob, carol]) await onboard(person.page, person.name);
  await befriend(alice, bob);
  await befriend(alice, carol);

  // Bob's new, empty chat with Alice starts with what encryption means here, and a way to check it.
  const chat = conversation(bob.page, 'Alice');
  const notice = chat.getByRole('note', { name: 'End-to-end encryption' });
  await expect(notice).toContainText('end-to-end encrypted');
  await expect(notice).toContainText('not even the relay');
  await bob.page.screenshot({ path: testInfo.outputPath('new-chat-notice.png') });
  await expectNoSeriousA11yViolations(bob.page, 'new chat with the encryption notice');
  await notice.getByRole('button', { name: 'Verify the safety number' }).click();
  const info = bob.page.getByRole('complementary', { name: 'Contact info' });
  await expect(info.getByRole('list', { name: 'Safety number' }).getByRole('listitem')).toHaveCount(12);
  await bob.page.getByRole('button', { name: 'Close Contact info' }).click();

  // Alice's colour is one colour: on her own screen, on Bob's and on Carol's.
  const own = await backgroundOf(ownAvatar(alice.page));
  expect(await backgroundOf(chatRow(bob.page, 'Alice').locator('.avatar'))).toBe(own);
  expect(await backgroundOf(chatRow(carol.page, 'Alice').locator('.avatar'))).toBe(own);
  expect(await backgroundOf(chat.locator('.conversation-header .avatar'))).toBe(own);

  // A row with no message yet has one line, level with the avatar.
  const row = chatRow(bob.page, 'Alice');
  await expect(row.locator('.chat-row-bottom')).toHaveCount(0);
  expect(await centreGap(row.locator('.avatar'), row.locator('.chat-row-name'))).toBeLessThanOrEqual(2);

  // Alice stops sharing last seen & online: Bob's header has no second line and the name is centred.
  await alice.page.getByRole('button', { name: 'Settings', exact: true }).click();
  await alice.page
    .getByRole('complementary', { name: 'Settings' })
    .getByRole('radio', { name: 'Nobody' })
    .click();
  await alice.page.getByRole('button', { name: 'Close Settings' }).click();
  await bob.page.reload();
  await unlock(bob.page);
  await openChat(bob.page, 'Alice');
  const header = chat.locator('.conversation-header');
  await expect(chat.getByTestId('presence')).toHaveText('');
  expect(
    await centreGap(header.locator('.avatar'), header.getByRole('heading', { name: 'Alice' })),
  ).toBeLessThanOrEqual(2);
  await bob.page.screenshot({ path: testInfo.outputPath('one-line-header-and-row.png') });
  await expectControlsLabelled(bob.page);
});

test('a group header lists its members, "You" shows your picture, and a removed member gets a notice instead of the composer', async ({
  people,
}, testInfo) => {
  const [alice, bob, carol] = await people('Alice', 'Bob', 'Carol');
  await onboard(alice.page, 'Alice', { picture: PICTURE });
  await onboard(bob.page, 'Bob');
  await onboard(carol.page, 'Carol');
  await addEachOther([alice, bob, carol]);

  await createGroup(alice.page, GROUP, ['Bob', 'Carol']);

  const group = conversation(alice.page, GROUP);
  await expect(group.getByTestId('presence')).toHaveText('Bob, Carol, You');
  await openChat(carol.page, GROUP);
  await expect(conversation(carol.page, GROUP).getByTestId('presence')).toHaveText('Alice, Bob, You');
  await sendText(carol.page, 'Hello book club');

  await group.getByRole('button', { name: 'Group info' }).click();
  const panel = alice.page.getByRole('complementary', { name: 'Group info' });
  const members = panel.getByRole('list', { name: 'Group members' });
  await expect(members.getByRole('listitem', { name: 'You, admin' }).locator('img.avatar')).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('group-info-you.png') });

  await panel.getByRole('button', { name: 'Options for Carol' }).click();
  await panel.getByRole('menuitem', { name: 'Remove Carol' }).click();
  const confirm = alice.page.getByRole('dialog', { name: 'Are you sure?' });
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(confirm).toBeHidden();

  // Carol has nothing to type into and no Send to press: a sentence says why, where the composer was.
  const carolChat = conversation(carol.page, GROUP);
  await expect(
    carolChat
      .getByRole('status')
      .filter({ hasText: 'Alice removed you. You can’t send or receive this group’s messages.' }),
  ).toBeVisible();
  await expect(carolChat.getByRole('textbox', { name: 'Type a message' })).toHaveCount(0);
  await expect(carolChat.getByRole('button', { name: 'Send' })).toHaveCount(0);
  // Her header no longer lists the members she last saw: she is not one of them.
  await expect(carolChat.getByTestId('presence')).toHaveText('You’re no longer a member of this group');
  await carol.page.screenshot({ path: testInfo.outputPath('removed-member.png') });
  await expectNoSeriousA11yViolations(carol.page, 'group after being removed');
  await expect(group.getByTestId('presence')).toHaveText('Bob, You');
});
