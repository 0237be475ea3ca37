import { expect, test } from './support/fixtures.js';
import {
  addContact,
  bubble,
  conversation,
  expectTick,
  myContactLink,
  onboard,
  openChat,
  openSettings,
  sendText,
  unlock,
} from './support/ui.js';

test('a stranger’s message is a request to accept or block; accepting opens the conversation', async ({
  people,
}, testInfo) => {
  const [alice, mallory] = await people('Alice', 'Mallory');
  await onboard(alice.page, 'Alice');
  await onboard(mallory.page, 'Mallory');
  // Mallory has Alice's link; Alice never added Mallory.
  await addContact(mallory.page, await myContactLink(alice.page));
  await expect(conversation(mallory.page, 'Alice')).toBeVisible();
  await sendText(mallory.page, 'Hello, we have not met');

  // Mallory's own profile (sent with her first message) names the chat.
  await openChat(alice.page, 'Mallory');
  const request = alice.page.getByRole('region', { name: 'Message request' });
  await expect(request).toBeVisible();
  await expect(request).toContainText('is not in your contacts');
  await expect(bubble(alice.page, 'Hello, we have not met')).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('message-request.png') });
  // Reading it told the stranger nothing: no delivery or read receipt came back.
  await expectTick(mallory.page, 'Hello, we have not met', 'Sent');

  await request.getByRole('button', { name: 'Block' }).click();
  const blocked = alice.page.getByRole('region', { name: 'Blocked contact' });
  await expect(blocked).toBeVisible();
  await blocked.getByRole('button', { name: 'Unblock' }).click();
  await expect(blocked).toBeHidden();
  await expect(request).toBeHidden();

  // Accepted: Alice's profile reaches Mallory, and they talk.
  await sendText(alice.page, 'Hello Mallory');
  await expect(bubble(mallory.page, 'Hello Mallory')).toBeVisible();
  await sendText(mallory.page, 'Thanks for accepting');
  await expect(bubble(alice.page, 'Thanks for accepting')).toBeVisible();
});

test('the relay-only setting for calls and links is kept across a reload', async ({ people }) => {
  const [dee] = await people('Dee');
  await onboard(dee.page, 'Dee');
  const panel = await openSettings(dee.page);
  const relayOnly = panel.getByRole('switch', { name: 'Relay-only calls and links' });
  await expect(relayOnly).not.toBeChecked();
  await relayOnly.click();
  await expect(relayOnly).toBeChecked();
  await dee.page.reload();
  await unlock(dee.page);
  await expect(
    (await openSettings(dee.page)).getByRole('switch', { name: 'Relay-only calls and links' }),
  ).toBeChecked();
});
