import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from './support/fixtures.js';
import { attach, messages, openDirectLink, twoContacts } from './support/files-and-pairs.js';
import { openChat, unlock } from './support/ui.js';

test.describe.configure({ timeout: 300_000 });

const FILE_BYTES = 3 * 1024 * 1024;

/** In the page: how many whole copies of a `bytes`-long file the app keeps in its files folder (OPFS). */
async function storedCopies(bytes: number): Promise<number> {
  const root = await navigator.storage.getDirectory();
  const folder = await root.getDirectoryHandle('parley-files', { create: true });
  let copies = 0;
  // A directory handle's async iterator is not in the DOM types this repository compiles against.
  const entries = (folder as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
  for await (const handle of entries)
    if (handle.kind === 'file' && (await (handle as FileSystemFileHandle).getFile()).size === bytes)
      copies += 1;
  return copies;
}

test('an upload cut by a reload says why, not "pending" for ever, and Retry sends it', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await bob.quit(); // the file waits on the relay for him
  const path = testInfo.outputPath('minutes.bin');
  await writeFile(path, randomBytes(FILE_BYTES));

  // A slow uplink (64 KB/s): the upload is still under way when Alice reloads the page.
  const cdp = await alice.page.context().newCDPSession(alice.page);
  await cdp.send('Network.enable');
  const uplink = (bytesPerSecond: number) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond,
    });
  await uplink(64 * 1024);
  await attach(alice.page, [path]);
  const dialog = alice.page.getByRole('dialog', { name: 'Send file' });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog).toBeHidden();
  const sending = messages(alice.page).getByRole('progressbar', { name: 'Sending minutes.bin' });
  await expect(sending).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('upload-under-way.png') });
  // The app writes its own copy of a file it sends (OPFS) beside the upload, and Retry sends that copy. On a
  // loaded machine the copy can trail the progress bar; a reload before it is whole leaves none, and the card
  // then says so instead of offering to send it (a reload at that instant is not this scenario).
  await expect.poll(() => alice.page.evaluate(storedCopies, FILE_BYTES), { timeout: 60_000 }).toBe(1);

  await alice.page.reload();
  await uplink(-1);
  await unlock(alice.page);
  await openChat(alice.page, 'Bob');
  const card = messages(alice.page).getByRole('article').filter({ hasText: 'minutes.bin' });
  // The browser could not keep reading the chosen file across the reload: the card says so, and offers Retry.
  await expect(card).toContainText('the upload stopped when the app closed: the file was in memory.');
  await expect(card.getByRole('progressbar')).toHaveCount(0);
  const retry = card.getByRole('button', { name: 'Retry sending minutes.bin' });
  await expect(retry).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('upload-stopped-retry.png') });

  // Retry uploads this browser's own copy of the file; the message goes.
  await retry.click();
  await expect(card.getByRole('img', { name: 'Sent', exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(retry).toBeHidden();
  await alice.page.screenshot({ path: testInfo.outputPath('upload-retried-sent.png') });

  const page = await bob.reopen();
  await unlock(page);
  await openChat(page, 'Alice');
  await expect(messages(page).getByRole('button', { name: 'Save minutes.bin' })).toBeVisible({
    timeout: 60_000,
  });
  await page.screenshot({ path: testInfo.outputPath('upload-received.png') });
});

test('a direct transfer whose sender reloads shows the receiver the sender’s reason', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await openDirectLink(alice, bob, ['The recording, coming up', 'Go ahead']);

  const path = testInfo.outputPath('recording.bin');
  await writeFile(path, randomBytes(50 * 1024 * 1024));
  await attach(alice.page, [path]);
  const dialog = alice.page.getByRole('dialog', { name: 'Send file' });
  await dialog.getByRole('button', { name: 'Send' }).click();
  const receiving = messages(bob.page).getByRole('progressbar', { name: 'Receiving recording.bin' });
  await expect(receiving).toBeVisible({ timeout: 120_000 });

  // Alice's page reloads mid-transfer: a browser cannot read the chosen file again, so her app says so.
  await alice.page.reload();
  await unlock(alice.page);
  const card = messages(bob.page).getByRole('article').filter({ hasText: 'recording.bin' });
  await expect(card).toContainText(
    'the sender cannot send the file: the file was in memory when the app restarted.',
    { timeout: 60_000 },
  );
  await expect(receiving).toBeHidden();
  await expect(card.getByRole('button', { name: 'Save recording.bin' })).toHaveCount(0);
  await bob.page.screenshot({ path: testInfo.outputPath('sender-reason-shown.png') });
});

test('a direct transfer whose receiver reloads resumes from its checkpoint and arrives byte for byte, stored once', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await openDirectLink(alice, bob, ['The photos, coming up', 'Go ahead']);

  const original = randomBytes(40 * 1024 * 1024);
  const path = testInfo.outputPath('photos.bin');
  await writeFile(path, original);
  // Every byte Alice's page hands to its data channels, the file's chunks among them.
  await alice.page.evaluate(() => {
    const counted = window as Window & { sentBytes?: number };
    counted.sentBytes = 0;
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
      const value = data as string | Blob | ArrayBuffer | ArrayBufferView;
      counted.sentBytes =
        (counted.sentBytes ?? 0) +
        (typeof value === 'string' ? value.length : value instanceof Blob ? value.size : value.byteLength);
      send.call(this, data);
    };
  });
  // Bob's page reloads itself the moment the bar passes 60%, whatever the transfer's speed.
  await bob.page.evaluate(() => {
    const watch = new MutationObserver(() => {
      const bar = document.querySelector('[role="progressbar"][aria-label="Receiving photos.bin"]');
      if (bar === null || Number(bar.getAttribute('aria-valuenow')) < 60) return;
      watch.disconnect();
      location.reload();
    });
    watch.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  const reloaded = bob.page.waitForEvent('load', { timeout: 240_000 });
  await attach(alice.page, [path]);
  await alice.page.getByRole('dialog', { name: 'Send file' }).getByRole('button', { name: 'Send' }).click();
  await reloaded;

  // The file sink wrote through a sync access handle and flushed before each checkpoint, so the half it
  // had is still there after the reload: the transfer goes on from the checkpoint.
  await unlock(bob.page);
  await openChat(bob.page, 'Alice');
  const save = messages(bob.page).getByRole('button', { name: 'Save photos.bin' });
  await expect(save).toBeVisible({ timeout: 240_000 });
  const sent = await alice.page.evaluate(() => (window as Window & { sentBytes?: number }).sentBytes ?? 0);
  // Starting again from byte 0 would send the 60% that came before the reload twice: 1.6 times the file.
  // Resuming sends it once, plus what was in flight or past the last checkpoint when the page went.
  expect(sent).toBeGreaterThanOrEqual(original.length);
  expect(sent).toBeLessThan(original.length * 1.3);

  const download = bob.page.waitForEvent('download');
  await save.click();
  const saved = await (await download).path();
  const digest = createHash('sha256').update(original).digest('hex');
  expect(
    createHash('sha256')
      .update(await readFile(saved))
      .digest('hex'),
  ).toBe(digest);
  // Stored once: one file in Bob's private file system, the whole of it, nothing left of the first try.
  const stored = await bob.page.evaluate(async () => {
    const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('parley-files');
    const files: { name: string; size: number }[] = [];
    for await (const handle of (folder as unknown as { values(): AsyncIterable<FileSystemHandle> }).values())
      if (handle instanceof FileSystemFileHandle)
        files.push({ name: handle.name, size: (await handle.getFile()).size });
    return files;
  });
  expect(stored.map(({ size }) => size)).toEqual([original.length]);
  await bob.page.screenshot({ path: testInfo.outputPath('receiver-reloaded-file-resumed.png') });
});
