import type { JSHandle, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { openFriends } from './support/friends.js';
import { conversation } from './support/ui.js';

function messages(page: Page) {
  return page.getByRole('list', { name: 'Messages' });
}

/**
 * A DataTransfer holding files made in the page, as the browser fills one when files are dragged in from
 * the desktop or pasted from the clipboard (Playwright cannot reach the OS's drag source or clipboard).
 */
function filesTransfer(page: Page, files: { name: string; type: string; text: string }[]): Promise<JSHandle> {
  return page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const file of list) transfer.items.add(new File([file.text], file.name, { type: file.type }));
    return transfer;
  }, files);
}

test('a file dragged onto the conversation is sent from the send dialog, and an image pasted into the composer opens it', async ({
  people,
}, testInfo) => {
  const [alice, bob] = await openFriends(people, 'Alice', 'Bob');
  const pane = conversation(alice.page, 'Bob');

  // Drag: entering shows the drop overlay, dropping opens the send dialog with the file.
  const dragged = await filesTransfer(alice.page, [
    { name: 'notes.txt', type: 'text/plain', text: 'meeting notes' },
  ]);
  const list = messages(alice.page);
  await list.dispatchEvent('dragenter', { dataTransfer: dragged });
  await list.dispatchEvent('dragover', { dataTransfer: dragged });
  await expect(alice.page.getByText('Drop files to send to Bob')).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('drop-overlay.png') });
  await list.dispatchEvent('drop', { dataTransfer: dragged });
  await expect(alice.page.getByText('Drop files to send to Bob')).toBeHidden();
  const sendFile = alice.page.getByRole('dialog', { name: 'Send file' });
  await expect(sendFile).toContainText('notes.txt');
  await sendFile.getByRole('button', { name: 'Send' }).click();
  await expect(sendFile).toBeHidden();
  await expect(messages(bob.page).getByText('notes.txt')).toBeVisible({ timeout: 60_000 });

  // Paste: a copied picture pasted into the composer becomes a photo to send; pasted text stays text.
  const input = pane.getByRole('textbox', { name: 'Type a message' });
  await input.click();
  await alice.page.keyboard.insertText('typed, not a file');
  const pasted = await filesTransfer(alice.page, [
    { name: 'image.png', type: 'image/png', text: 'not really a png' },
  ]);
  await input.evaluate((element, clipboardData) => {
    element.dispatchEvent(
      new ClipboardEvent('paste', {
        clipboardData: clipboardData as DataTransfer,
        bubbles: true,
        cancelable: true,
      }),
    );
  }, pasted);
  const sendPhoto = alice.page.getByRole('dialog', { name: 'Send photo' });
  await expect(sendPhoto).toBeVisible();
  await expect(input).toHaveValue('typed, not a file');
  await alice.page.screenshot({ path: testInfo.outputPath('paste-dialog.png') });
  await alice.page.keyboard.press('Escape');
  await expect(sendPhoto).toBeHidden();
});

test('holding the microphone records, and letting go sends the voice message', async ({
  people,
}, testInfo) => {
  const [alice, bob] = await openFriends(people, 'Alice', 'Bob');

  const mic = bob.page.getByRole('button', { name: 'Record voice message' });
  await mic.hover();
  await bob.page.mouse.down();
  const recording = bob.page.getByRole('group', { name: 'Recording a voice message' });
  await expect(recording).toBeVisible();
  // Held until the timer shows two seconds (the button gives way to the bar; the release is on the window).
  await expect(recording.getByRole('timer', { name: 'Recording time' })).toHaveText('0:02', {
    timeout: 10_000,
  });
  await bob.page.screenshot({ path: testInfo.outputPath('holding-to-record.png') });
  await bob.page.mouse.up();
  await expect(recording).toBeHidden();

  await expect(messages(alice.page).getByRole('button', { name: 'Play voice message' })).toBeEnabled({
    timeout: 60_000,
  });
  await expect(messages(alice.page).getByRole('img', { name: /^Waveform, 0:0[1-4]$/u })).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('voice-after-release.png') });
});
