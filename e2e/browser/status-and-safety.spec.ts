import { expect, test } from './support/fixtures.js';
import { twoContacts } from './support/files-and-pairs.js';
import type { Page } from '@playwright/test';

/** The 12 blocks of the safety number shown in the open contact info panel. */
async function safetyNumberShown(page: Page): Promise<string[]> {
  const panel = page.getByRole('complementary', { name: 'Contact info' });
  const blocks = panel.getByRole('list', { name: 'Safety number' }).getByRole('listitem');
  await expect(blocks).toHaveCount(12);
  return blocks.allTextContents();
}

test('a status seen by a contact turns its ring grey and shows in viewed by; safety numbers match on both sides', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);

  // Alice posts a text status on a blue background, to all her contacts (the default).
  await alice.page.getByRole('button', { name: 'Post a status' }).click();
  const composer = alice.page.getByRole('dialog', { name: 'Post a status' });
  await composer.getByLabel('Status text').click();
  await alice.page.keyboard.type('Out hiking today');
  await composer.getByRole('radio', { name: 'Blue' }).click();
  await expect(composer.getByRole('checkbox', { name: 'Bob' })).toBeChecked();
  await alice.page.screenshot({ path: testInfo.outputPath('status-composer.png') });
  await composer.getByRole('button', { name: 'Post status' }).click();
  await expect(composer).toBeHidden();
  await expect(alice.page.getByRole('button', { name: /^My status ?, 1 posted/ })).toBeVisible();

  // Bob sees a coloured ring around Alice, opens her status; the ring turns grey.
  const newRing = bob.page.getByRole('button', { name: /^Status from Alice ?, new/ });
  await expect(newRing).toBeVisible();
  await bob.page.screenshot({ path: testInfo.outputPath('status-strip-new.png') });
  await newRing.click();
  const viewer = bob.page.getByRole('dialog', { name: 'Status from Alice' });
  await expect(viewer.getByText('Out hiking today', { exact: true })).toBeVisible();
  await expect(viewer.getByRole('progressbar', { name: 'Status progress' })).toBeVisible();
  await bob.page.screenshot({ path: testInfo.outputPath('status-viewer.png') });
  await bob.page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(bob.page.getByRole('button', { name: /^Status from Alice ?, seen/ })).toBeVisible();

  // Alice opens her own status: Bob is in "viewed by".
  await alice.page.getByRole('button', { name: /^My status ?, 1 posted/ }).click();
  const mine = alice.page.getByRole('dialog', { name: 'My status' });
  await mine.getByRole('button', { name: /^Viewed by/u }).click();
  await expect(mine.getByRole('list', { name: 'Viewed by' }).getByRole('listitem')).toHaveText(['Bob']);
  await expect(mine.getByRole('button', { name: 'Viewed by 1' })).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('status-viewed-by.png') });
  await alice.page.keyboard.press('Escape');
  await expect(mine).toBeHidden();

  // An image with a caption (a screenshot taken above): the ring is new again and the viewer shows both.
  await alice.page.getByRole('button', { name: 'Post a status' }).click();
  await composer.getByRole('button', { name: 'Image' }).click();
  const picker = alice.page.waitForEvent('filechooser');
  await composer.getByLabel('Image', { exact: true }).click();
  await (await picker).setFiles(testInfo.outputPath('status-viewer.png'));
  await expect(composer.getByRole('img', { name: 'Chosen image' })).toBeVisible();
  await composer.getByLabel('Caption').click();
  await alice.page.keyboard.type('Summit view');
  await composer.getByRole('button', { name: 'Post status' }).click();
  await expect(composer).toBeHidden();
  await expect(alice.page.getByRole('button', { name: /^My status ?, 2 posted/ })).toBeVisible();
  await bob.page.getByRole('button', { name: /^Status from Alice ?, new/ }).click();
  const imageViewer = bob.page.getByRole('dialog', { name: 'Status from Alice' });
  await expect(imageViewer.getByRole('img', { name: 'Summit view' })).toBeVisible();
  await expect(imageViewer.getByText('Summit view', { exact: true })).toBeVisible();
  await bob.page.getByRole('button', { name: 'Pause' }).click();
  await bob.page.screenshot({ path: testInfo.outputPath('status-viewer-image.png') });
  await bob.page.keyboard.press('Escape');
  await expect(bob.page.getByRole('button', { name: /^Status from Alice ?, seen/ })).toBeVisible();

  // Both open contact info: the safety numbers on the two screens are the same 60 digits.
  await alice.page.getByRole('button', { name: 'Contact info' }).click();
  await bob.page.getByRole('button', { name: 'Contact info' }).click();
  const aliceSees = await safetyNumberShown(alice.page);
  const bobSees = await safetyNumberShown(bob.page);
  for (const block of aliceSees) expect(block).toMatch(/^\d{5}$/u);
  expect(bobSees).toEqual(aliceSees);

  // Alice compared them with Bob: she marks him verified and the header shows the badge.
  const alicePanel = alice.page.getByRole('complementary', { name: 'Contact info' });
  await expect(alicePanel.getByRole('img', { name: 'QR code of your safety number with Bob' })).toBeVisible();
  await expect(alice.page.getByRole('img', { name: 'Verified contact' })).toBeHidden();
  const verified = alicePanel.getByRole('switch', { name: 'Mark as verified' });
  await expect(verified).not.toBeChecked();
  await verified.click();
  await expect(verified).toBeChecked();
  await expect(alice.page.getByRole('img', { name: 'Verified contact' })).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('contact-info.png') });

  // Bob verifies by scanning a picture of Alice's code instead.
  const aliceQr = testInfo.outputPath('alice-safety-qr.png');
  await alicePanel
    .getByRole('img', { name: 'QR code of your safety number with Bob' })
    .screenshot({ path: aliceQr });
  const bobPanel = bob.page.getByRole('complementary', { name: 'Contact info' });
  const chooser = bob.page.waitForEvent('filechooser');
  await bobPanel.getByText('Scan code', { exact: true }).click();
  await (await chooser).setFiles(aliceQr);
  await expect(bobPanel.getByRole('status').filter({ hasText: 'The codes match' })).toBeVisible();
  await expect(bobPanel.getByRole('switch', { name: 'Mark as verified' })).toBeChecked();
  await expect(bob.page.getByRole('img', { name: 'Verified contact' })).toBeVisible();
  await bob.page.screenshot({ path: testInfo.outputPath('contact-info-scanned.png') });

  // The same screens in the dark theme, to check they stay readable.
  await alice.page.emulateMedia({ colorScheme: 'dark' });
  await alice.page.screenshot({ path: testInfo.outputPath('contact-info-dark.png') });
  await alice.page.getByRole('button', { name: /^My status ?, 2 posted/ }).click();
  await expect(alice.page.getByRole('dialog', { name: 'My status' })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Pause' }).click();
  await alice.page.screenshot({ path: testInfo.outputPath('status-viewer-dark.png') });
});
