import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import {
  addEachOther,
  bubble,
  chatRow,
  conversation,
  onboard,
  openChat,
  sendText,
  unlock,
  visibleMessages,
} from './support/ui.js';

const GROUP = 'Weekend trip';

function groupInfo(page: Page) {
  return page.getByRole('complementary', { name: 'Group info' });
}

/** The open conversation oldest first: message texts and, where they happened, the group-change lines. */
async function timeline(page: Page): Promise<string[]> {
  return page.getByRole('list', { name: 'Messages' }).locator('.bubble-text, .system-line').allTextContents();
}

async function openGroupInfo(page: Page) {
  await conversation(page, GROUP).getByRole('button', { name: 'Group info' }).click();
  await expect(groupInfo(page).getByRole('heading', { name: GROUP })).toBeVisible();
}

test('an admin creates a group of three, removes a member who then receives nothing new, and lets them back by invite link', async ({
  people,
}, testInfo) => {
  const [alice, bob, carol] = await people('Alice', 'Bob', 'Carol');
  for (const person of [alice, bob, carol]) await onboard(person.page, person.name);

  await addEachOther([alice, bob, carol]);

  // Alice: New group → pick Bob and Carol → name it → create; the group opens.
  await alice.page.getByRole('button', { name: 'New group' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'New group' });
  await dialog.getByRole('checkbox', { name: 'Bob' }).click();
  await dialog.getByRole('checkbox', { name: 'Carol' }).click();
  await expect(dialog.getByText('2 members selected')).toBeVisible();
  // A picture from the disk (the file chooser a click opens), downscaled before it joins the group state.
  const picture = await alice.page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 320 } });
  const chooser = alice.page.waitForEvent('filechooser');
  await dialog.getByText('Add group picture').click();
  await (await chooser).setFiles({ name: 'trip.png', mimeType: 'image/png', buffer: picture });
  await expect(dialog.getByText('Change group picture')).toBeVisible();
  await dialog.getByLabel('Group name', { exact: true }).click();
  await alice.page.keyboard.type(GROUP);
  await alice.page.screenshot({ path: testInfo.outputPath('new-group-dialog.png') });
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog).toBeHidden();
  await expect(conversation(alice.page, GROUP)).toBeVisible();

  // The group reaches Bob and Carol; all three talk.
  await openChat(bob.page, GROUP);
  await openChat(carol.page, GROUP);
  await sendText(alice.page, 'Hello group, it is Alice');
  await sendText(bob.page, 'Bob here');
  await sendText(carol.page, 'Carol here too');
  for (const person of [alice, bob, carol]) {
    for (const text of ['Hello group, it is Alice', 'Bob here', 'Carol here too'])
      await expect(bubble(person.page, text)).toBeVisible();
  }
  // The group's changes are lines among the messages, where they happened (kept by the engine).
  await expect(
    conversation(bob.page, GROUP)
      .getByRole('list', { name: 'Messages' })
      .getByText(`Alice added you to “${GROUP}”`),
  ).toBeVisible();
  await expect(conversation(bob.page, GROUP).getByRole('list', { name: 'Group changes' })).toHaveCount(0);

  // Bob is not an admin: no menu on anyone, and what only admins may do is refused with a clear message.
  await openGroupInfo(bob.page);
  const bobPanel = groupInfo(bob.page);
  await expect(bobPanel.getByRole('listitem', { name: 'Alice, admin' })).toBeVisible();
  await expect(bobPanel.getByRole('button', { name: /^Options for/u })).toHaveCount(0);
  await expect(bobPanel.getByRole('button', { name: 'Add members' })).toHaveCount(0);
  await bobPanel.getByRole('button', { name: 'Invite via link' }).click();
  await expect(bobPanel.getByRole('alert')).toHaveText('Only group admins can invite with a link.');
  await bobPanel.getByRole('button', { name: 'Edit group name' }).click();
  await bob.page.keyboard.press('Control+A');
  await bob.page.keyboard.type('Bob’s trip');
  await bob.page.keyboard.press('Enter');
  await expect(
    bobPanel.getByRole('alert').filter({ hasText: 'Only group admins can change the group name.' }),
  ).toBeVisible();
  await expect(bobPanel.getByRole('heading', { name: GROUP })).toBeVisible();

  // Alice opens Group info: three members, she is the admin; she removes Carol.
  await openGroupInfo(alice.page);
  const panel = groupInfo(alice.page);
  const members = panel.getByRole('list', { name: 'Group members' });
  await expect(members.getByRole('listitem')).toHaveCount(3);
  await expect(members.getByRole('listitem', { name: 'You, admin' })).toBeVisible();
  await expect(panel.locator('img.avatar')).toBeVisible(); // the picture chosen at creation
  await alice.page.screenshot({ path: testInfo.outputPath('group-info-admin.png') });
  await alice.page.emulateMedia({ colorScheme: 'dark' });
  await alice.page.screenshot({ path: testInfo.outputPath('group-info-admin-dark.png') });
  await alice.page.emulateMedia({ colorScheme: 'light' });
  await panel.getByRole('button', { name: 'Options for Carol' }).click();
  await expect(panel.getByRole('menuitem', { name: 'Make group admin' })).toBeVisible();
  await panel.getByRole('menuitem', { name: 'Remove Carol' }).click();
  const confirm = alice.page.getByRole('dialog', { name: 'Are you sure?' });
  await expect(confirm).toContainText(`Remove Carol from “${GROUP}”?`);
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(confirm).toBeHidden();
  await expect(members.getByRole('listitem')).toHaveCount(2);
  await expect(members.getByRole('listitem', { name: 'Carol' })).toHaveCount(0);
  await expect(panel.getByText('2 members', { exact: true })).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('group-info-after-removal.png') });

  // Carol is told, and the group's line says who did it.
  const carolChat = conversation(carol.page, GROUP);
  await expect(carolChat.getByRole('status').filter({ hasText: 'Alice removed you.' })).toBeVisible();
  await expect(bob.page.getByText('Alice removed Carol')).toBeVisible();

  // Alice and Bob keep chatting.
  await sendText(alice.page, 'Now just the two of us');
  await expect(bubble(bob.page, 'Now just the two of us')).toBeVisible();
  await sendText(bob.page, 'Carol cannot read this');
  await expect(bubble(alice.page, 'Carol cannot read this')).toBeVisible();
  // The picture chosen in the dialog is set just after the group is created: its own change.
  const bobSaw = [
    `Alice added you to “${GROUP}”`,
    'Alice changed the group picture',
    'Hello group, it is Alice',
    'Bob here',
    'Carol here too',
    'Alice removed Carol',
    'Now just the two of us',
    'Carol cannot read this',
  ];
  expect(await timeline(bob.page)).toEqual(bobSaw);
  expect(await timeline(alice.page)).toEqual([
    `You created group “${GROUP}”`,
    'You changed the group picture',
    ...bobSaw.slice(2, 5),
    'You removed Carol',
    ...bobSaw.slice(6),
  ]);
  await bob.page.screenshot({ path: testInfo.outputPath('group-change-lines.png') });

  // Carol cannot send to the group any more (a notice stands where the composer was), and what Alice and
  // Bob wrote after the removal never reached her: Bob's device, which wrote its message after Carol's
  // removal reached Alice, shares its new key with the remaining members only.
  await expect(carolChat.getByRole('textbox', { name: 'Type a message' })).toHaveCount(0);
  await carol.page.screenshot({ path: testInfo.outputPath('removed-member.png') });
  expect(await visibleMessages(carol.page)).toEqual([
    'Hello group, it is Alice',
    'Bob here',
    'Carol here too',
  ]);
  await expect(chatRow(carol.page, GROUP)).not.toContainText('Carol cannot read this');

  // Alice shares the invite link; Carol pastes it and is back in, and can write again.
  await panel.getByRole('button', { name: 'Invite via link' }).click();
  const linkBox = panel.getByLabel('Anyone with this link can ask to join this group');
  await expect(linkBox).toHaveValue(/^parley:\/\/group\?/u);
  const invite = await linkBox.inputValue();
  await carol.page.getByRole('button', { name: 'New group' }).click();
  await carol.page
    .getByRole('dialog', { name: 'New group' })
    .getByRole('button', { name: 'Join with a link' })
    .click();
  const join = carol.page.getByRole('dialog', { name: 'Join a group' });
  await join.getByLabel('Group invite link').click();
  await carol.page.keyboard.insertText(invite); // a paste
  await join.getByRole('button', { name: 'Join group' }).click();
  await expect(join).toBeHidden();
  await expect(carolChat.getByRole('status').filter({ hasText: 'removed you.' })).toHaveCount(0);
  await expect(bob.page.getByText('Alice added Carol')).toBeVisible();
  await expect(members.getByRole('listitem')).toHaveCount(3);
  await sendText(alice.page, 'Welcome back, Carol');
  await expect(bubble(carol.page, 'Welcome back, Carol')).toBeVisible();
  await sendText(carol.page, 'Am I still here?');
  await expect(bubble(alice.page, 'Am I still here?')).toBeVisible();
  await expect(bubble(bob.page, 'Am I still here?')).toBeVisible();
  expect(await visibleMessages(carol.page)).toEqual([
    'Hello group, it is Alice',
    'Bob here',
    'Carol here too',
    'Welcome back, Carol',
    'Am I still here?',
  ]);

  // Resetting asks first, with the focus on Cancel: Escape leaves the link as it was.
  await panel.getByRole('button', { name: 'Reset link' }).click();
  const reset = alice.page.getByRole('dialog', { name: 'Are you sure?' });
  await expect(reset.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await alice.page.keyboard.press('Escape');
  await expect(reset).toBeHidden();
  await expect(linkBox).toHaveValue(invite);

  // Resetting the link makes a new one at once.
  await panel.getByRole('button', { name: 'Reset link' }).click();
  await reset.getByRole('button', { name: 'Reset link' }).click();
  await expect(reset).toBeHidden();
  await expect(linkBox).not.toHaveValue(invite);
  await expect(linkBox).toHaveValue(/^parley:\/\/group\?/u);
  await expect(alice.page.getByText('You reset the group invite link')).toBeVisible();

  // Alice makes Bob an admin: his panel now offers him the member menus.
  await panel.getByRole('button', { name: 'Options for Bob' }).click();
  await panel.getByRole('menuitem', { name: 'Make group admin' }).click();
  await expect(members.getByRole('listitem', { name: 'Bob, admin' })).toBeVisible();
  await expect(bobPanel.getByRole('listitem', { name: 'You, admin' })).toBeVisible();
  await expect(bobPanel.getByRole('button', { name: 'Options for Carol' })).toBeVisible();
  await expect(bob.page.getByText('Alice made you a group admin')).toBeVisible();

  // Carol exits on her own; everyone sees it.
  await carolChat.getByRole('button', { name: 'Group info' }).click();
  await groupInfo(carol.page).getByRole('button', { name: 'Exit group' }).click();
  const exit = carol.page.getByRole('dialog', { name: 'Are you sure?' });
  await exit.getByRole('button', { name: 'Exit group' }).click();
  await expect(exit).toBeHidden();
  await expect(carolChat.getByRole('status').filter({ hasText: 'You left this group.' })).toBeVisible();
  await expect(groupInfo(carol.page).getByRole('button', { name: 'Exit group' })).toHaveCount(0);
  await expect(alice.page.getByText('Carol left')).toBeVisible();
  await expect(members.getByRole('listitem')).toHaveCount(2);

  // The lines are kept: after a restart Bob's conversation reads the same, in the same order.
  const bobFull = [
    ...bobSaw,
    'Alice added Carol',
    'Welcome back, Carol',
    'Am I still here?',
    'Alice reset the group invite link',
    'Alice made you a group admin',
    'Carol left',
  ];
  await expect.poll(() => timeline(bob.page)).toEqual(bobFull);
  await bob.quit();
  const page = await bob.reopen();
  await unlock(page);
  await openChat(page, GROUP);
  await expect(page.getByText('Carol left')).toBeVisible();
  expect(await timeline(page)).toEqual(bobFull);
  await page.screenshot({ path: testInfo.outputPath('group-change-lines-after-restart.png') });
});
