import { expectNoSeriousA11yViolations } from './support/axe.js';
import { expect, test } from './support/fixtures.js';
import { befriend, bubble, messageAction, onboard, openChat, sendText } from './support/ui.js';

test('axe-core finds no serious violations on the main screens, in light and dark', async ({ people }) => {
  const [alice, bob] = await people('Alice', 'Bob');
  const page = alice.page;

  await expectNoSeriousA11yViolations(page, 'onboarding');
  await onboard(page, 'Alice');
  await onboard(bob.page, 'Bob');
  await expectNoSeriousA11yViolations(page, 'empty chat list');

  await page.getByRole('button', { name: 'My contact link' }).click();
  await expect(page.getByRole('dialog', { name: 'My contact link' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'my contact link dialog');
  await page.keyboard.press('Escape');

  await befriend(alice, bob);
  await openChat(page, 'Bob');
  await sendText(page, 'Hello Bob, how are you?');
  await openChat(bob.page, 'Alice');
  await sendText(bob.page, 'Fine, thanks!');
  await expect(bubble(page, 'Fine, thanks!')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'conversation');

  await messageAction(page, 'Hello Bob, how are you?', 'Reply');
  await expectNoSeriousA11yViolations(page, 'conversation while replying');
  await page.keyboard.press('Escape');

  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoSeriousA11yViolations(page, 'conversation (dark)');
  await page.setViewportSize({ width: 390, height: 760 });
  await expectNoSeriousA11yViolations(page, 'conversation at a phone width (dark)');
});
