import { expect, test } from './support/fixtures.js';
import {
  addContact,
  befriend,
  bubble,
  chatRow,
  conversation,
  expectControlsLabelled,
  messageAction,
  onboard,
  sendText,
} from './support/ui.js';

test('reply, react, edit and delete for everyone from the message menu reach the other side', async ({
  people,
}, testInfo) => {
  const [alice, bob] = await people('Alice', 'Bob');
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  await befriend(alice, bob);

  await sendText(bob.page, 'original text');
  await expect(bubble(alice.page, 'original text')).toBeVisible();

  await bubble(alice.page, 'original text').hover();
  await bubble(alice.page, 'original text').getByRole('button', { name: 'Message options' }).click();
  await expectControlsLabelled(alice.page);
  await alice.page.keyboard.press('Escape');
  await expect(alice.page.getByRole('menu', { name: 'Message options' })).toBeHidden();
  await messageAction(alice.page, 'original text', 'Reply');
  await expect(alice.page.getByText('Replying to')).toBeVisible();
  await sendText(alice.page, 'a reply');
  const reply = bubble(bob.page, 'a reply');
  await expect(reply.getByRole('blockquote')).toContainText('original text');

  await messageAction(alice.page, 'original text', 'React 👍');
  await expect(
    bubble(bob.page, 'original text').locator('xpath=..').getByRole('button', { name: /^👍 1/u }),
  ).toBeVisible();

  await messageAction(bob.page, 'original text', 'Edit');
  const input = bob.page.getByRole('textbox', { name: 'Type a message' });
  await expect(input).toHaveValue('original text');
  await bob.page.keyboard.press('ControlOrMeta+A');
  await bob.page.keyboard.type('edited text');
  await bob.page.keyboard.press('Enter');
  const edited = bubble(alice.page, 'edited text');
  await expect(edited).toBeVisible();
  await expect(edited.getByText('edited', { exact: true })).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('reply-reaction-edit.png') });

  await messageAction(bob.page, 'edited text', 'Delete for everyone');
  await bob.page
    .getByRole('dialog', { name: 'Delete message?' })
    .getByRole('button', { name: 'Delete for everyone' })
    .click();
  await expect(bubble(bob.page, 'You deleted this message')).toBeVisible();
  await expect(bubble(alice.page, 'This message was deleted')).toBeVisible();
  await expect(alice.page.getByText('edited text', { exact: true })).toHaveCount(0);
});

test('the header shows presence, typing and a direct route, and Ctrl+K searches chats', async ({
  people,
}) => {
  const [alice, bob] = await people('Alice', 'Bob');
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  await befriend(alice, bob);
  await sendText(bob.page, 'ping');
  await expect(bubble(alice.page, 'ping')).toBeVisible();

  const header = conversation(alice.page, 'Bob');
  await expect(header.getByRole('img', { name: 'End-to-end encrypted' })).toBeVisible();
  await expect(header.getByText('online', { exact: true })).toBeVisible();
  // Two Chromiums on loopback open a WebRTC link: messages stop going through the relay.
  await expect(header.getByRole('status', { name: 'Route: Direct' })).toBeVisible();

  await bob.page.getByRole('textbox', { name: 'Type a message' }).click();
  await bob.page.keyboard.type('still typ');
  await expect(header.getByText('typing…', { exact: true })).toBeVisible();
  await expect(header.getByRole('status').filter({ hasText: 'Bob is typing…' })).toBeVisible();
  await bob.page.keyboard.press('Enter');
  await expect(bubble(alice.page, 'still typ')).toBeVisible();
  await expect(header.getByText('typing…', { exact: true })).toBeHidden();

  await alice.page.keyboard.press('ControlOrMeta+K');
  const search = alice.page.getByRole('searchbox', { name: 'Search chats' });
  await expect(search).toBeFocused();
  await alice.page.keyboard.type('bo');
  await expect(chatRow(alice.page, 'Bob')).toBeVisible();
  await alice.page.keyboard.type('zz');
  await expect(chatRow(alice.page, 'Bob')).toBeHidden();
  await expect(alice.page.getByText('No chat matches that name.')).toBeVisible();
});

test('on a phone-sized screen the list and the conversation take turns', async ({ people }, testInfo) => {
  const [alice, bob] = await people('Alice', 'Bob');
  await bob.page.setViewportSize({ width: 390, height: 780 });
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  await befriend(alice, bob);
  await sendText(alice.page, 'hello phone');

  await expect(bubble(bob.page, 'hello phone')).toBeVisible();
  await expect(bob.page.getByRole('navigation', { name: 'Chats' })).toBeHidden();
  await bob.page.screenshot({ path: testInfo.outputPath('phone-conversation.png') });
  await bob.page.getByRole('button', { name: 'Back to chats' }).click();
  await expect(chatRow(bob.page, 'Alice')).toBeVisible();
  await expect(conversation(bob.page, 'Alice')).toBeHidden();
  await bob.page.screenshot({ path: testInfo.outputPath('phone-chat-list.png') });
  await chatRow(bob.page, 'Alice').click();
  await expect(bubble(bob.page, 'hello phone')).toBeVisible();
});

test('someone found by username is added, and the composer inserts emoji and closes the picker with Esc', async ({
  people,
}) => {
  const [carol, dave] = await people('Carol', 'Dave');
  await onboard(carol.page, 'Carol', { username: 'carol_k' });
  await onboard(dave.page, 'Dave');
  await addContact(dave.page, '@carol_k');
  await expect(conversation(dave.page, 'carol_k')).toBeVisible();

  await dave.page.getByRole('button', { name: 'Add contact' }).click();
  await expectControlsLabelled(dave.page);
  await dave.page.keyboard.press('Escape');
  await dave.page.getByRole('button', { name: 'Emoji' }).click();
  await expectControlsLabelled(dave.page);
  await dave.page.getByRole('dialog', { name: 'Emoji' }).getByRole('button', { name: '🎉' }).click();
  await dave.page.keyboard.press('Escape');
  await expect(dave.page.getByRole('dialog', { name: 'Emoji' })).toBeHidden();
  const input = dave.page.getByRole('textbox', { name: 'Type a message' });
  await expect(input).toHaveValue('🎉');
  await input.click();
  await dave.page.keyboard.press('End');
  await dave.page.keyboard.type(' found you');
  await dave.page.keyboard.press('Shift+Enter');
  await dave.page.keyboard.type('second line');
  await dave.page.keyboard.press('Enter');
  const sent = bubble(dave.page, '🎉 found you second line');
  await expect(sent).toBeVisible();
  expect(await sent.locator('.bubble-text').innerText()).toBe('🎉 found you\nsecond line');

  // Carol has never added Dave: his chat appears anyway, under a short form of his account.
  const chats = carol.page
    .getByRole('navigation', { name: 'Chats' })
    .getByRole('list', { name: 'Conversations' });
  // One row (its menu button aside).
  const rows = chats.getByRole('button', { name: /^(?!Chat options for )/u });
  await expect(rows).toHaveCount(1);
  await rows.click();
  await expect(bubble(carol.page, '🎉 found you second line')).toBeVisible();
});
