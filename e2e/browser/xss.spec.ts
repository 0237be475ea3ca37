import { expect, test } from './support/fixtures.js';
import { addContact, bubble, chatRow, conversation, myContactLink, onboard, sendText } from './support/ui.js';

const NAME_PAYLOAD = '<img src=x onerror=alert(1)>';
const MESSAGE_PAYLOAD = '<script>alert("xss")</script><b onmouseover=alert(2)>bold</b>';

test('an XSS payload in a message and in a display name shows as text and runs nothing', async ({
  people,
}, testInfo) => {
  const [mallory, bob] = await people('Mallory', 'Bob');
  await onboard(mallory.page, NAME_PAYLOAD);
  await onboard(bob.page, 'Bob');
  await addContact(bob.page, await myContactLink(mallory.page));
  await addContact(mallory.page, await myContactLink(bob.page));

  await expect(chatRow(bob.page, NAME_PAYLOAD)).toBeVisible();
  await expect(
    conversation(bob.page, NAME_PAYLOAD).getByRole('heading', { name: NAME_PAYLOAD }),
  ).toBeVisible();

  await sendText(mallory.page, MESSAGE_PAYLOAD);
  const received = bubble(bob.page, MESSAGE_PAYLOAD);
  await expect(received).toBeVisible();
  await received.hover();
  await expect(chatRow(bob.page, NAME_PAYLOAD)).toContainText(MESSAGE_PAYLOAD);

  // Nothing the payloads hold became markup: no <img src=x>, <script> or <b> in Bob's page, no dialog.
  await expect(bob.page.locator('img[src="x"], .bubble script, .bubble b')).toHaveCount(0);
  expect(bob.dialogs).toEqual([]);
  expect(mallory.dialogs).toEqual([]);
  await bob.page.screenshot({ path: testInfo.outputPath('xss-as-text.png') });
});
