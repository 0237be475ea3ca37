import { writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { png } from './support/png.js';
import { addEachOther, conversation, createGroup, onboard, openChat, unlock } from './support/ui.js';

/*
 * Files in a group chat, on a real relay, by clicks and the file chooser only: Alice sends a photo to a group
 * of three (encrypted once, uploaded once for both members), Bob and Carol see its preview under her name
 * and open it full size in the viewer; Bob answers with a voice message from the fake microphone.
 */

test.describe.configure({ timeout: 300_000 });

const GROUP = 'Climbing club';

function messages(page: Page) {
  return page.getByRole('list', { name: 'Messages' });
}

test('a photo and a voice message in a group of three reach both other members with preview, name and viewer', async ({
  people,
}, testInfo) => {
  const [alice, bob, carol] = await people('Alice', 'Bob', 'Carol');
  for (const person of [alice, bob, carol]) await onboard(person.page, person.name);
  await addEachOther([alice, bob, carol]);

  await createGroup(alice.page, GROUP, ['Bob', 'Carol']);
  await openChat(bob.page, GROUP);
  await openChat(carol.page, GROUP);

  // Alice: the paperclip is there in a group too; a photo with a caption.
  const crag = testInfo.outputPath('crag.png');
  await writeFile(
    crag,
    png(640, 480, (x, y) => [90 + (y >> 2), 140 + (x >> 4), 60 + (x >> 3)]),
  );
  const chooser = alice.page.waitForEvent('filechooser');
  await conversation(alice.page, GROUP).getByRole('button', { name: 'Attach' }).click();
  await (await chooser).setFiles(crag);
  const send = alice.page.getByRole('dialog', { name: 'Send photo' });
  await expect(send.getByRole('img', { name: 'Preview of crag.png' })).toBeVisible();
  await send.getByLabel('Caption').fill('The north face, Saturday');
  await send.getByRole('button', { name: 'Send' }).click();
  await expect(send).toBeHidden();
  // Uploaded and handed to the relay: Sent, or already further, as Bob and Carol have the chat open and a
  // small photo can reach Read between two looks.
  await expect(
    messages(alice.page)
      .getByRole('article')
      .filter({ hasText: 'The north face, Saturday' })
      .getByRole('img', { name: /^(Sent|Delivered|Read)$/u }),
  ).toBeVisible({ timeout: 60_000 });

  for (const person of [bob, carol]) {
    const page = person.page;
    // Under Alice's name, as her text would be, with the preview replaced by the full picture once here.
    const fromAlice = messages(page).getByRole('article', { name: /^Alice at / });
    await expect(fromAlice.locator('.bubble-sender')).toHaveText('Alice');
    const photo = fromAlice.getByRole('button', { name: 'Open photo crag.png' });
    await expect(photo).toBeVisible({ timeout: 60_000 });
    await expect(photo.getByRole('img')).toHaveAttribute('data-full', 'true', { timeout: 60_000 });
    await expect(fromAlice.getByText('The north face, Saturday', { exact: true })).toBeVisible();
    await photo.click();
    const viewer = page.getByRole('dialog', { name: 'Media viewer' });
    const full = viewer.getByRole('img', { name: 'The north face, Saturday' });
    await expect(full).toHaveAttribute('data-full', 'true');
    expect(
      await full.evaluate((img) => [
        (img as HTMLImageElement).naturalWidth,
        (img as HTMLImageElement).naturalHeight,
      ]),
    ).toEqual([640, 480]);
    await page.screenshot({ path: testInfo.outputPath(`viewer-${person.name.toLowerCase()}.png`) });
    await page.keyboard.press('Escape');
    await expect(viewer).toBeHidden();
  }

  // Bob answers with a voice message; Alice and Carol can play it.
  await conversation(bob.page, GROUP).getByRole('button', { name: 'Record voice message' }).click();
  const recording = bob.page.getByRole('group', { name: 'Recording a voice message' });
  await expect(recording.getByRole('timer', { name: 'Recording time' })).toHaveText('0:02', {
    timeout: 10_000,
  });
  await recording.getByRole('button', { name: 'Send voice message' }).click();
  await expect(recording).toBeHidden();
  for (const page of [alice.page, carol.page]) {
    const fromBob = messages(page).getByRole('article', { name: /^Bob at / });
    await expect(fromBob.locator('.bubble-sender')).toHaveText('Bob');
    await expect(fromBob.getByRole('button', { name: 'Play voice message' })).toBeEnabled({
      timeout: 60_000,
    });
    // The length is the decoded audio's: the recorder starts a moment after its timer, so on a busy machine
    // two seconds on the timer can hold a little under two seconds of sound (as in media.spec.ts).
    await expect(fromBob.getByRole('img', { name: /^Waveform, 0:0[1-4]$/u })).toBeVisible();
  }
  await carol.page.getByRole('button', { name: 'Play voice message' }).click();
  await expect(messages(carol.page).getByRole('button', { name: 'Pause voice message' })).toBeVisible();
  await carol.page.screenshot({ path: testInfo.outputPath('group-media.png') });
  await carol.page.emulateMedia({ colorScheme: 'dark' });
  await carol.page.screenshot({ path: testInfo.outputPath('group-media-dark.png') });
  await carol.page.emulateMedia({ colorScheme: 'light' });

  // What Carol received was written to her browser's private file system: after a restart the photo opens
  // full size from there, and the voice message plays.
  await carol.quit();
  const page = await carol.reopen();
  await unlock(page);
  await openChat(page, GROUP);
  const photo = messages(page).getByRole('button', { name: 'Open photo crag.png' });
  await expect(photo.getByRole('img')).toHaveAttribute('data-full', 'true', { timeout: 60_000 });
  await expect(messages(page).getByRole('button', { name: 'Play voice message' })).toBeEnabled();
});
