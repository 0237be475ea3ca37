import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { Person } from './support/people.js';
import { expect, test } from './support/fixtures.js';
import { attach, messages, twoContacts } from './support/files-and-pairs.js';
import { bubble, messageAction, openChat, sendText, unlock } from './support/ui.js';

/*
 * A person in control of what they sent, against a real relay: the route turns direct by itself when both
 * are online, uploads never block the screen and can be cancelled on either side, a message the relay still
 * holds is unsent with the relay's signed receipt, and a status is taken down on its viewers' screens.
 */

test.describe.configure({ timeout: 300_000 });

function route(page: Page, name: 'Direct' | 'Relay') {
  return page.getByRole('status', { name: `Route: ${name}` });
}

/** Bob closes his browser, comes back and unlocks, and opens his chat with Alice. */
async function bobReturns(bob: Person): Promise<void> {
  await bob.reopen();
  await unlock(bob.page);
  await openChat(bob.page, 'Alice');
}

test('after one side comes back, the route turns Direct by itself within 10 seconds, with nothing sent', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await sendText(alice.page, 'hello');
  await expect(bubble(bob.page, 'hello')).toBeVisible();

  await bob.quit();
  await expect(route(alice.page, 'Relay')).toBeVisible();
  await bobReturns(bob);
  // Nobody types: the link forms because both are online.
  await expect(route(bob.page, 'Direct')).toBeVisible({ timeout: 10_000 });
  await expect(route(alice.page, 'Direct')).toBeVisible({ timeout: 10_000 });
  await alice.page.screenshot({ path: testInfo.outputPath('direct-without-a-message.png') });
});

test('a relay upload closes the dialog at once, shows its percentage and can be cancelled; nothing reaches the other side', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await bob.quit();
  // Their link closes with Bob's browser: from now on files go to the relay.
  await expect(route(alice.page, 'Relay')).toBeVisible();
  const path = testInfo.outputPath('holiday-video.bin');
  await writeFile(path, randomBytes(120 * 1024 * 1024));
  await attach(alice.page, [path]);
  const dialog = alice.page.getByRole('dialog', { name: 'Send file' });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog).toBeHidden({ timeout: 2_000 });

  const sending = messages(alice.page).getByRole('progressbar', { name: 'Sending holiday-video.bin' });
  await expect(sending).toBeVisible();
  await expect(messages(alice.page).getByText(/^\d{1,3}%$/u)).toBeVisible();
  // The screen is free while it uploads.
  await expect(alice.page.getByRole('textbox', { name: 'Type a message' })).toBeEditable();
  await alice.page.screenshot({ path: testInfo.outputPath('relay-upload-progress.png') });
  await messages(alice.page).getByRole('button', { name: 'Cancel sending holiday-video.bin' }).click();
  await expect(sending).toBeHidden();
  await expect(messages(alice.page).getByText(/you cancelled it/u)).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('relay-upload-cancelled.png') });

  await sendText(alice.page, 'never mind the video');
  await bobReturns(bob);
  await expect(bubble(bob.page, 'never mind the video')).toBeVisible();
  await expect(messages(bob.page).getByText('holiday-video.bin')).toHaveCount(0);
  await rm(path); // 120 MB of test input, not a result
});

test('a direct transfer shows progress on both sides, the receiver cancels it, both show it; my own file opens instead of downloading', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await sendText(alice.page, 'sending you things');
  await expect(bubble(bob.page, 'sending you things')).toBeVisible();
  await expect(route(alice.page, 'Direct')).toBeVisible({ timeout: 60_000 });

  const small = testInfo.outputPath('notes.txt');
  await writeFile(small, 'meeting notes\n');
  await attach(alice.page, [small]);
  await alice.page.getByRole('dialog', { name: 'Send file' }).getByRole('button', { name: 'Send' }).click();
  await expect(messages(bob.page).getByRole('button', { name: 'Save notes.txt' })).toBeVisible();
  await expect(messages(alice.page).getByRole('button', { name: 'Open notes.txt' })).toBeVisible();
  await expect(messages(alice.page).getByRole('button', { name: 'Save notes.txt' })).toHaveCount(0);

  const big = testInfo.outputPath('archive.bin');
  await writeFile(big, randomBytes(200 * 1024 * 1024));
  await attach(alice.page, [big]);
  const dialog = alice.page.getByRole('dialog', { name: 'Send file' });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog).toBeHidden({ timeout: 2_000 });
  const receiving = messages(bob.page).getByRole('progressbar', { name: 'Receiving archive.bin' });
  await expect(receiving).toBeVisible({ timeout: 60_000 });
  await expect(messages(alice.page).getByRole('progressbar', { name: 'Sending archive.bin' })).toBeVisible();
  await bob.page.screenshot({ path: testInfo.outputPath('direct-receiving.png') });
  await messages(bob.page).getByRole('button', { name: 'Cancel receiving archive.bin' }).click();

  await expect(receiving).toBeHidden();
  await expect(messages(bob.page).getByText(/you cancelled it/u)).toBeVisible();
  await expect(messages(alice.page).getByRole('progressbar', { name: 'Sending archive.bin' })).toBeHidden();
  await expect(messages(alice.page).getByText(/cancelled by the recipient/u)).toBeVisible();
  await alice.page.screenshot({ path: testInfo.outputPath('direct-cancelled-sender.png') });
  await bob.page.screenshot({ path: testInfo.outputPath('direct-cancelled-receiver.png') });
  await rm(big); // 200 MB of test input, not a result
});

test('delete for everyone before delivery recalls the message from the relay and shows its verified receipt', async ({
  people,
}, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await bob.quit();
  await sendText(alice.page, 'oops, wrong chat');
  await expect(bubble(alice.page, 'oops, wrong chat').getByRole('img', { name: 'Sent' })).toBeVisible();

  await messageAction(alice.page, 'oops, wrong chat', 'Delete for everyone');
  await alice.page
    .getByRole('dialog', { name: 'Delete message?' })
    .getByRole('button', { name: 'Delete for everyone' })
    .click();
  const notice = messages(alice.page).getByText(
    'Deleted before delivery — your relay confirms it was never delivered',
  );
  await expect(notice).toBeVisible();
  await messages(alice.page).getByRole('button', { name: 'View receipt' }).click();
  const receipt = alice.page.getByRole('dialog', { name: 'Relay receipt' });
  await expect(receipt.getByRole('status')).toHaveText('Signature verified against the relay key');
  await alice.page.screenshot({ path: testInfo.outputPath('recall-receipt.png') });
  await alice.page.keyboard.press('Escape');

  await sendText(alice.page, 'hello again');
  await bobReturns(bob);
  await expect(bubble(bob.page, 'hello again')).toBeVisible();
  await expect(messages(bob.page).getByText('oops, wrong chat')).toHaveCount(0);
  await expect(messages(bob.page).getByText('This message was deleted')).toHaveCount(0);
  await bob.page.screenshot({ path: testInfo.outputPath('recall-recipient.png') });
});

test('a status deleted by its author disappears from the viewer’s screen', async ({ people }, testInfo) => {
  const { alice, bob } = await twoContacts(people);
  await alice.page.getByRole('button', { name: 'Post a status' }).click();
  const composer = alice.page.getByRole('dialog', { name: 'Post a status' });
  await composer.getByLabel('Status text').click();
  await alice.page.keyboard.type('Posted by mistake');
  await composer.getByRole('button', { name: 'Post status' }).click();
  await expect(composer).toBeHidden();
  const ring = bob.page.getByRole('button', { name: /^Status from Alice/u });
  await expect(ring).toBeVisible();

  await alice.page.getByRole('button', { name: /^My status ?, 1 posted/u }).click();
  const mine = alice.page.getByRole('dialog', { name: 'My status' });
  await mine.getByRole('button', { name: 'Delete status' }).click();
  await expect(mine).toBeHidden();
  await expect(alice.page.getByRole('button', { name: /^My status ?, 1 posted/u })).toHaveCount(0);
  await expect(ring).toHaveCount(0);
  await bob.page.screenshot({ path: testInfo.outputPath('status-deleted-viewer.png') });
});
