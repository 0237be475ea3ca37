import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from './support/fixtures.js';
import { attach, messages, openDirectLink, twoContacts } from './support/files-and-pairs.js';
import { png } from './support/png.js';
import { openChat, sendText, unlock } from './support/ui.js';

/*
 * Files, photos and voice messages between two people on a real relay, driven by clicks, keys and the file
 * chooser only: a photo that waits on the relay for someone who closed their browser, a 50 MB file over a
 * direct WebRTC link checked byte for byte, and a voice message recorded from Chromium's fake microphone.
 */

test.describe.configure({ timeout: 300_000 });

test('three messages and photos sent while the other person is away arrive in order with their previews when they return, and open in the viewer', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  const sunrise = testInfo.outputPath('sunrise.png');
  const harbour = testInfo.outputPath('harbour.png');
  await writeFile(
    sunrise,
    png(640, 480, (x, y) => [255 - (y >> 1), 120 + (x >> 3), x >> 2]),
  );
  await writeFile(
    harbour,
    png(480, 640, (x, y) => [x >> 1, y >> 2, 200]),
  );

  await alice.quit();
  const away = ['first while away', 'second while away', 'third while away'];
  for (const text of away) await sendText(bob.page, text);
  await attach(bob.page, [sunrise, harbour]);
  const dialog = bob.page.getByRole('dialog', { name: 'Send 2 files' });
  await expect(dialog.getByRole('img', { name: 'Preview of sunrise.png' })).toBeVisible();
  await dialog.getByLabel('Caption').fill('Morning at the <b>harbour</b>');
  await bob.page.screenshot({ path: testInfo.outputPath('send-dialog.png') });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog).toBeHidden();
  await expect(messages(bob.page).getByRole('button', { name: 'Open photo harbour.png' })).toBeVisible();
  await expect(
    messages(bob.page)
      .getByRole('article')
      .filter({ hasText: 'Morning at the <b>harbour</b>' })
      .getByRole('img', {
        name: 'Sent',
        exact: true,
      }),
  ).toBeVisible({ timeout: 60_000 });

  const page = await alice.reopen();
  await unlock(page);
  await openChat(page, 'Bob');
  const photo = messages(page).getByRole('button', { name: 'Open photo sunrise.png' });
  await expect(photo).toBeVisible({ timeout: 60_000 });
  await expect(messages(page).getByRole('button', { name: 'Open photo harbour.png' })).toBeVisible({
    timeout: 60_000,
  });
  // In the order Bob sent them: the three texts, then the two photos.
  const order = await messages(page)
    .getByRole('article')
    .evaluateAll((articles) =>
      articles.map(
        (article) =>
          article.querySelector('[aria-label^="Open photo"]')?.getAttribute('aria-label') ??
          article.querySelector('.bubble-text')?.textContent ??
          '',
      ),
    );
  expect(order.filter((item) => away.includes(item) || item.startsWith('Open photo'))).toEqual([
    ...away,
    'Open photo sunrise.png',
    'Open photo harbour.png',
  ]);
  const image = photo.getByRole('img');
  // The preview rides in the message; the full picture replaces it once its bytes came from the relay.
  await expect(image).toHaveAttribute('data-full', 'true', { timeout: 60_000 });
  expect(
    await image.evaluate((img) => [
      (img as HTMLImageElement).naturalWidth,
      (img as HTMLImageElement).naturalHeight,
    ]),
  ).toEqual([640, 480]);
  await expect(page.getByText('Morning at the <b>harbour</b>', { exact: true })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('photo-bubbles.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: testInfo.outputPath('photo-bubbles-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  await photo.click();
  const viewer = page.getByRole('dialog', { name: 'Media viewer' });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByText('1 of 2')).toBeVisible();
  await expect(viewer.getByRole('img', { name: 'Morning at the <b>harbour</b>' })).toHaveAttribute(
    'data-full',
    'true',
  );
  await page.screenshot({ path: testInfo.outputPath('viewer.png') });
  await page.keyboard.press('ArrowRight');
  await expect(viewer.getByText('2 of 2')).toBeVisible();
  await expect(viewer.getByText('harbour.png', { exact: true })).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(viewer.getByText('1 of 2')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
});

test('a 50 MB file goes over the direct link with a progress bar and arrives byte for byte', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await openDirectLink(alice, bob, ['Sending you the survey data', 'Ready']);

  const original = randomBytes(50 * 1024 * 1024);
  const path = testInfo.outputPath('survey-data.bin');
  await writeFile(path, original);
  await attach(alice.page, [path]);
  const dialog = alice.page.getByRole('dialog', { name: 'Send file' });
  await expect(dialog.getByText('50 MB')).toBeVisible();
  await dialog.getByRole('button', { name: 'Send' }).click();

  const receiving = messages(bob.page).getByRole('progressbar', { name: 'Receiving survey-data.bin' });
  await expect(receiving).toBeVisible({ timeout: 120_000 });
  await bob.page.screenshot({ path: testInfo.outputPath('file-receiving.png') });
  const save = messages(bob.page).getByRole('button', { name: 'Save survey-data.bin' });
  await expect(save).toBeVisible({ timeout: 240_000 });
  await expect(receiving).toBeHidden();
  await expect(messages(bob.page).getByText('50 MB')).toBeVisible();
  await bob.page.screenshot({ path: testInfo.outputPath('file-card.png') });
  await bob.page.emulateMedia({ colorScheme: 'dark' });
  await bob.page.screenshot({ path: testInfo.outputPath('file-card-dark.png') });

  const download = bob.page.waitForEvent('download');
  await save.click();
  const saved = await (await download).path();
  expect(sha256(await readFile(saved))).toBe(sha256(original));
  // Neither screen thread did the crypto: Bob's worker opened every chunk (800 of 64 KiB, in batches of
  // 16, and the final one), Alice's sealed every chunk (the same 801, in batches of 16), each on one
  // worker of its own that did nothing else for this file.
  const cryptoWorkers = (page: typeof bob.page) =>
    page.workers().filter((worker) => worker.url().includes('attachment-worker'));
  type Counts = { openedBatches: number; sealedBatches: number; sealedChunks: number };
  const counts = (page: typeof bob.page) =>
    cryptoWorkers(page)[0]?.evaluate(() => {
      const { openedBatches, sealedBatches, sealedChunks } = globalThis as unknown as Counts;
      return { openedBatches, sealedBatches, sealedChunks };
    });
  expect(cryptoWorkers(bob.page)).toHaveLength(1);
  expect(cryptoWorkers(alice.page)).toHaveLength(1);
  const opened = await counts(bob.page);
  expect(opened?.openedBatches).toBeGreaterThanOrEqual(50);
  expect(opened?.sealedBatches).toBe(0);
  const sealed = await counts(alice.page);
  expect(sealed?.sealedChunks).toBeGreaterThanOrEqual(801);
  expect(sealed?.sealedBatches).toBeGreaterThanOrEqual(51);
  expect(sealed?.openedBatches).toBe(0);
  // The sender's card finishes too, once the peer confirmed every byte.
  await expect(messages(alice.page).getByRole('progressbar', { name: 'Sending survey-data.bin' })).toBeHidden(
    {
      timeout: 60_000,
    },
  );
  await expect(alice.page.getByRole('status', { name: 'Route: Direct' })).toBeVisible();
});

test('a voice message recorded from the microphone shows its waveform and length, and plays on the other side', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await bob.page.getByRole('button', { name: 'Record voice message' }).click();
  const recording = bob.page.getByRole('group', { name: 'Recording a voice message' });
  await expect(recording).toBeVisible();
  await expect(recording.getByRole('timer', { name: 'Recording time' })).toHaveText('0:02', {
    timeout: 10_000,
  });
  await bob.page.screenshot({ path: testInfo.outputPath('voice-recording.png') });
  await recording.getByRole('button', { name: 'Send voice message' }).click();
  await expect(recording).toBeHidden();

  const play = messages(alice.page).getByRole('button', { name: 'Play voice message' });
  await expect(play).toBeEnabled({ timeout: 60_000 });
  // The length is the decoded audio's: the recorder starts a moment after its timer, so on a busy machine two
  // seconds on the timer can hold a little under two seconds of sound.
  const waveform = messages(alice.page).getByRole('img', { name: /^Waveform, 0:0[1-4]$/u });
  await expect(waveform).toBeVisible();
  // The fake microphone's beeps make a waveform with loud and quiet bars, not a flat line.
  const heights = await waveform
    .locator('.voice-bar')
    .evaluateAll((bars) =>
      bars.map((bar) => parseFloat(bar.getAttribute('style')?.match(/height:\s*([\d.]+)%/u)?.[1] ?? 'NaN')),
    );
  expect(Math.max(...heights)).toBe(100);
  expect(Math.min(...heights)).toBeLessThan(100);
  await alice.page.screenshot({ path: testInfo.outputPath('voice-bubble.png') });

  await play.click();
  await expect(messages(alice.page).getByRole('button', { name: 'Pause voice message' })).toBeVisible();
  // It plays to the end and returns to its length.
  await expect(messages(alice.page).getByRole('button', { name: 'Play voice message' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(messages(bob.page).getByRole('img', { name: /^Waveform, 0:0[1-4]$/u })).toBeVisible();
  await bob.page.screenshot({ path: testInfo.outputPath('voice-bubble-sender.png') });
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
