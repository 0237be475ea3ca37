import { expect, type Page } from '@playwright/test';
import type { OpenPeople, Person } from './people.js';
import { addContact, conversation, myContactLink, onboard, sendText } from './ui.js';

/**
 * Alice and Bob, onboarded, who added each other by link; each has the other's chat open. `prepare` runs
 * on each person's fresh page before onboarding (e.g. a script recording what the page does).
 */
export async function twoContacts(
  people: OpenPeople,
  prepare?: (person: Person) => Promise<void>,
): Promise<{ alice: Person; bob: Person }> {
  const [alice, bob] = await people('Alice', 'Bob');
  for (const person of [alice, bob]) await prepare?.(person);
  await onboard(alice.page, 'Alice');
  await onboard(bob.page, 'Bob');
  await addContact(bob.page, await myContactLink(alice.page));
  await addContact(alice.page, await myContactLink(bob.page));
  await expect(conversation(bob.page, 'Alice')).toBeVisible();
  await expect(conversation(alice.page, 'Bob')).toBeVisible();
  return { alice, bob };
}

/** Picks files with the composer's paperclip, through the browser's file chooser. */
export async function attach(page: Page, files: string[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach' }).click();
  await (await chooser).setFiles(files);
}

/** The open conversation's message list. */
export function messages(page: Page) {
  return page.getByRole('list', { name: 'Messages' });
}

/** A first message each way opens the direct link (WebRTC on loopback); resolves once both show Direct. */
export async function openDirectLink(
  alice: Person,
  bob: Person,
  texts: readonly [string, string],
): Promise<void> {
  await sendText(alice.page, texts[0]);
  await sendText(bob.page, texts[1]);
  for (const person of [alice, bob])
    await expect(person.page.getByRole('status', { name: 'Route: Direct' })).toBeVisible({ timeout: 60_000 });
}
