import { writeFile } from 'node:fs/promises';
import { expect, test } from './support/fixtures.js';
import { attach, messages } from './support/files-and-pairs.js';
import { addContact, conversation, myContactLink, onboard } from './support/ui.js';

/**
 * The Electron shell cannot run here (no Electron binary), so Alice's page is given what its preload would
 * put on `window.parley`: the renderer then draws the shell's file buttons, and Chromium's download is what
 * the shell's main process saves in Downloads and shows in the folder (main/downloads.main.ts, unit-tested).
 */
test('in the desktop shell a file card offers "Show in folder" for sent and received files; a browser keeps Open and Save', async ({
  people,
}, testInfo) => {
  const [alice, bob] = await people('Alice', 'Bob');
  await alice.page.context().addInitScript(() => {
    Object.defineProperty(window, 'parley', { value: Object.freeze({}) });
  });
  await alice.page.reload();
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  await addContact(bob.page, await myContactLink(alice.page));
  await addContact(alice.page, await myContactLink(bob.page));
  await expect(conversation(alice.page, 'Bob')).toBeVisible();
  await expect(conversation(bob.page, 'Alice')).toBeVisible();

  const agenda = testInfo.outputPath('agenda.txt');
  const minutes = testInfo.outputPath('minutes.txt');
  await writeFile(agenda, 'agenda for Tuesday\n');
  await writeFile(minutes, 'minutes of Monday\n');
  for (const [person, path] of [
    [alice, agenda],
    [bob, minutes],
  ] as const) {
    await attach(person.page, [path]);
    await person.page
      .getByRole('dialog', { name: 'Send file' })
      .getByRole('button', { name: 'Send' })
      .click();
  }

  const own = messages(alice.page).getByRole('button', { name: 'Show agenda.txt in folder' });
  const received = messages(alice.page).getByRole('button', { name: 'Show minutes.txt in folder' });
  await expect(own).toBeVisible({ timeout: 60_000 });
  await expect(received).toBeVisible({ timeout: 60_000 });
  await expect(messages(alice.page).getByRole('button', { name: /^(Open|Save) / })).toHaveCount(0);
  const download = alice.page.waitForEvent('download');
  await received.click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('minutes.txt');
  expect(saved.url()).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//u);
  await alice.page.screenshot({ path: testInfo.outputPath('shell-show-in-folder.png') });

  // Bob's browser: his own file opens, the one he received is saved.
  await expect(messages(bob.page).getByRole('button', { name: 'Open minutes.txt' })).toBeVisible();
  await expect(messages(bob.page).getByRole('button', { name: 'Save agenda.txt' })).toBeVisible({
    timeout: 60_000,
  });
  await bob.page.screenshot({ path: testInfo.outputPath('browser-open-and-save.png') });
});
