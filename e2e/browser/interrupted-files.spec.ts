import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from './support/fixtures.js';
import { attach, messages, openDirectLink, twoContacts } from './support/files-and-pairs.js';
import { openChat, unlock } from './support/ui.js';

test.describe.configure({ timeout: 300_000 });

test('an upload cut by a reload says why, not "pending" for ever, and Retry sends it', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await bob.quit(); // the file waits on the relay for him
  const path = testInfo.outputPath('minutes.bin');
  await writeFile(path, randomBytes(3 * 1024 * 1024));

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

test('a direct transfer whose receiver reloads starts again and arrives byte for byte', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await openDirectLink(alice, bob, ['The photos, coming up', 'Go ahead']);

  const original = randomBytes(40 * 1024 * 1024);
  const path = testInfo.outputPath('photos.bin');
  await writeFile(path, original);
  await attach(alice.page, [path]);
  await alice.page.getByRole('dialog', { name: 'Send file' }).getByRole('button', { name: 'Send' }).click();
  await expect(messages(bob.page).getByRole('progressbar', { name: 'Receiving photos.bin' })).toBeVisible({
    timeout: 120_000,
  });

  // Bob's page reloads mid-transfer. The browser's file sink cannot keep a half-written file across it (an
  // OPFS writable commits only when closed), so the file comes again from its first byte.
  await bob.page.reload();
  await unlock(bob.page);
  await openChat(bob.page, 'Alice');
  const save = messages(bob.page).getByRole('button', { name: 'Save photos.bin' });
  await expect(save).toBeVisible({ timeout: 240_000 });
  const download = bob.page.waitForEvent('download');
  await save.click();
  const saved = await (await download).path();
  expect(
    createHash('sha256')
      .update(await readFile(saved))
      .digest('hex'),
  ).toBe(createHash('sha256').update(original).digest('hex'));
  await bob.page.screenshot({ path: testInfo.outputPath('receiver-reloaded-file-arrived.png') });
});
