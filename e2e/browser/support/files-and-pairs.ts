import { expect, type Page } from '@playwright/test';
import type { Person } from './people.js';
import { addContact, conversation, myContactLink, onboard } from './ui.js';

/**
 * Alice and Bob, onboarded, who added each other by link; each has the other's chat open. `prepare` runs
 * on each person's fresh page before onboarding (e.g. a script recording what the page does).
 */
export async function twoContacts(
  people: (...names: string[]) => Promise<Person[]>,
  prepare?: (person: Person) => Promise<void>,
): Promise<{ alice: Person; bob: Person }> {
  const [alice, bob] = await people('Alice', 'Bob');
  if (alice === undefined || bob === undefined) throw new Error('people did not open');
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
