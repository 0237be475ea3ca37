import { writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/axe.js';
import { expect, test } from './support/fixtures.js';
import { attach, messages, twoContacts } from './support/files-and-pairs.js';
import {
  linkBrowser,
  openLinkForm,
  openLinkedDevices,
  showLinkPayload,
  submitLink,
} from './support/linked-devices.js';
import { png } from './support/png.js';
import { bubble, chatRow, conversation, onboard, openChat, sendText, unlock } from './support/ui.js';

/*
 * Issue 15's scenario in Chromium: Alice links a second browser (her laptop) by pasting the link payload her
 * first browser shows, both screens show one short code, the laptop receives her history (with a photo) and
 * opens as Alice; what the laptop sends reaches Bob as Alice, in one chat; unlinking the laptop from the
 * first browser tells it, and it stops receiving. Three Chromiums, one real relay, clicks and keys only.
 */

test.describe.configure({ timeout: 300_000 });

test('a second browser linked by pasting the payload gets the history, speaks as the same person, and stops when unlinked', async ({
  people,
}, testInfo) => {
  const shot = (page: Page, name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  const { alice, bob } = await twoContacts(people);
  const harbour = testInfo.outputPath('harbour.png');
  await writeFile(
    harbour,
    png(480, 360, (x, y) => [x >> 1, y >> 2, 200]),
  );

  // Some history first: texts both ways and a photo from Bob.
  await sendText(bob.page, 'before the laptop');
  await attach(bob.page, [harbour]);
  const sendDialog = bob.page.getByRole('dialog', { name: 'Send photo' });
  await sendDialog.getByRole('button', { name: 'Send' }).click();
  await expect(sendDialog).toBeHidden();
  await expect(bubble(alice.page, 'before the laptop')).toBeVisible();
  const photoOnAlice = messages(alice.page).getByRole('button', { name: 'Open photo harbour.png' });
  await expect(photoOnAlice.locator('img[data-full="true"]')).toBeVisible({ timeout: 60_000 });
  await sendText(alice.page, 'a reply from the first browser');
  await expect(bubble(bob.page, 'a reply from the first browser')).toBeVisible();

  // The laptop: a fresh browser. A payload that is not one, and a damaged one, are refused in a sentence.
  const [laptop] = await people('Laptop');
  await openLinkForm(laptop.page);
  const alert = laptop.page.getByRole('main').getByRole('alert');
  await submitLink(laptop.page, 'https://example.com/not-a-link');
  await expect(alert).toHaveText(/^That is not a Parley device link\./u);
  await submitLink(laptop.page, 'parley://link?v=1&relay=https%3A%2F%2Frelay.example&id=short');
  await expect(alert).toHaveText(
    'That device link is incomplete or damaged. Copy it again from your other device.',
  );
  await shot(laptop.page, 'link-form-refused');
  await expectNoSeriousA11yViolations(laptop.page, 'link to an existing account');

  // Alice shows the payload; the laptop pastes it; both show one short code and Alice confirms.
  const panel = await openLinkedDevices(alice.page);
  const payload = await showLinkPayload(panel);
  expect(payload).toMatch(/^parley:\/\/link\?/u);
  await shot(alice.page, 'link-payload-shown');
  // Its QR code, as a picture (a screenshot or a photo of the screen), fills in the same payload.
  const qrPicture = testInfo.outputPath('link-qr.png');
  await panel.getByRole('img', { name: 'QR code to link a new device' }).screenshot({ path: qrPicture });
  const chooser = laptop.page.waitForEvent('filechooser');
  await laptop.page.getByRole('button', { name: 'Pick a picture of the QR code' }).click();
  await (await chooser).setFiles(qrPicture);
  await expect(laptop.page.getByLabel('Link from your other device')).toHaveValue(payload);
  await submitLink(laptop.page, payload);
  const codeOnAlice = panel.getByLabel('Short code');
  const codeOnLaptop = laptop.page.getByLabel('Short code');
  await expect(codeOnAlice).toBeVisible();
  await expect(codeOnLaptop).toBeVisible();
  const code = await codeOnAlice.textContent();
  expect(code).toMatch(/\S/u);
  await expect(codeOnLaptop).toHaveText(code ?? '');
  await expect(laptop.page.getByRole('status').first()).toHaveText(/confirm there/u);
  await shot(alice.page, 'short-code-existing');
  await shot(laptop.page, 'short-code-new');
  await panel.getByRole('button', { name: 'Codes match — link' }).click();

  // The history moves, then the laptop opens as Alice with her chat with Bob.
  await expect(laptop.page.getByRole('navigation', { name: 'Chats' })).toBeVisible({ timeout: 120_000 });
  await expect(panel.getByRole('status').first()).toHaveText(/Done/u, { timeout: 60_000 });
  await shot(alice.page, 'link-done-existing');
  await openChat(laptop.page, 'Bob');
  await expect(bubble(laptop.page, 'before the laptop')).toBeVisible();
  await expect(bubble(laptop.page, 'a reply from the first browser')).toBeVisible();
  const photoOnLaptop = messages(laptop.page).getByRole('button', { name: 'Open photo harbour.png' });
  // The photo's record and thumbnail move with the history; shown, its bytes are fetched from the first
  // browser (client.linking.fetchFile) and the full photo replaces the thumbnail.
  await expect(photoOnLaptop.locator('img[data-full="true"]')).toBeVisible({ timeout: 60_000 });
  await shot(laptop.page, 'history-on-laptop');
  await expect(panel.getByText(/^Device 2/u)).toBeVisible();

  // The laptop writes: Bob sees it from Alice, in his one chat with her; Alice's first browser shows it too.
  await sendText(laptop.page, 'hello from the laptop');
  await expect(bubble(bob.page, 'hello from the laptop')).toBeVisible({ timeout: 60_000 });
  await expect(conversation(bob.page, 'Alice')).toBeVisible();
  await expect(
    bob.page.getByRole('navigation', { name: 'Chats' }).getByRole('button', { name: /^Alice/u }),
  ).toHaveCount(1);
  await expect(chatRow(bob.page, 'Alice')).toHaveCount(1);
  await expect(bubble(alice.page, 'hello from the laptop')).toBeVisible({ timeout: 60_000 });
  await sendText(bob.page, 'to both of you');
  await expect(bubble(laptop.page, 'to both of you')).toBeVisible({ timeout: 60_000 });
  await expect(bubble(alice.page, 'to both of you')).toBeVisible({ timeout: 60_000 });
  await shot(bob.page, 'one-person-on-bob');

  // Alice unlinks the laptop from the first browser: it is told at once, and no longer receives.
  await panel.getByRole('button', { name: 'Unlink Device 2' }).click();
  const confirm = alice.page.getByRole('dialog', { name: 'Unlink this device?' });
  await expect(confirm).toContainText('Unlink Device 2?');
  await shot(alice.page, 'unlink-confirm');
  await expectNoSeriousA11yViolations(alice.page, 'unlink dialog');
  await confirm.getByRole('button', { name: 'Unlink' }).click();
  await expect(confirm).toBeHidden();
  await expect(panel.getByText(/^Device 2/u)).toHaveCount(0);
  const notice = laptop.page.getByRole('alertdialog', { name: 'This device was unlinked' });
  await expect(notice).toBeVisible({ timeout: 60_000 });
  await shot(laptop.page, 'unlinked-laptop');
  await expectNoSeriousA11yViolations(laptop.page, 'this device was unlinked');
  for (const text of ['after the unlink', 'and once more']) {
    await sendText(bob.page, text);
    await expect(bubble(alice.page, text)).toBeVisible({ timeout: 60_000 });
  }
  await expect(bubble(laptop.page, 'after the unlink')).toHaveCount(0);
  await expect(bubble(laptop.page, 'and once more')).toHaveCount(0);

  // What is left on the laptop is to remove the account from it: it starts over at the first screen.
  await notice.getByRole('button', { name: 'Remove the account from this device' }).click();
  await expect(laptop.page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
});

test('a link declined on the existing device says so on the new one, which then starts fresh with its own identity', async ({
  people,
}, testInfo) => {
  const [alice, laptop] = await people('Alice', 'Laptop');
  await onboard(alice.page, 'Alice');
  const panel = await openLinkedDevices(alice.page);
  const payload = await showLinkPayload(panel);
  await openLinkForm(laptop.page);
  await submitLink(laptop.page, payload);
  await expect(panel.getByLabel('Short code')).toBeVisible();
  await expect(laptop.page.getByLabel('Short code')).toBeVisible();
  await panel.getByRole('button', { name: 'Codes differ' }).click();

  await expect(laptop.page.getByRole('main').getByRole('alert')).toHaveText(
    'Your other device declined the link.',
  );
  await laptop.page.screenshot({ path: testInfo.outputPath('link-declined.png') });
  await expect(panel.getByText(/^Device 2/u)).toHaveCount(0);
  // Nothing of the attempt is kept: a new identity, under another passphrase, starts on a clean device.
  await laptop.page.getByRole('button', { name: 'Create a new identity instead' }).click();
  await onboard(laptop.page, 'Carol', { passphrase: 'another passphrase entirely' });
});

test('a browser unlinked while it was closed says so when it is opened again', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  const [laptop] = await people('Laptop');
  const panel = await linkBrowser(alice.page, laptop.page);
  await openChat(laptop.page, 'Bob');
  await sendText(bob.page, 'to both of you');
  await expect(bubble(laptop.page, 'to both of you')).toBeVisible({ timeout: 60_000 });

  // The laptop is closed (its data stays); Alice unlinks it meanwhile, so nobody can tell it at once.
  await laptop.quit();
  await panel.getByRole('button', { name: 'Unlink Device 2' }).click();
  await alice.page
    .getByRole('dialog', { name: 'Unlink this device?' })
    .getByRole('button', { name: 'Unlink' })
    .click();
  await expect(panel.getByText(/^Device 2/u)).toHaveCount(0);

  // Opened again, it checks the account's signed list once connected, and says it was unlinked.
  const page = await laptop.reopen();
  await unlock(page);
  await expect(page.getByRole('alertdialog', { name: 'This device was unlinked' })).toBeVisible({
    timeout: 60_000,
  });
  await page.screenshot({ path: testInfo.outputPath('unlinked-while-closed.png') });
});
