import { expect, type Locator, type Page } from '@playwright/test';

/*
 * Drives the web client the way a person does: clicks and keystrokes on controls found by their role and
 * accessible name. Nothing here reaches into the app's state.
 */

export const PASSPHRASE = 'correct horse battery staple';

export type TickLabel = 'Pending' | 'Sent' | 'Delivered' | 'Read';

export interface OnboardOptions {
  readonly passphrase?: string;
  /** A picture file to pick in the file chooser. */
  readonly picture?: string;
  readonly username?: string;
}

/** First visit: name (picture, username), passphrase twice, create; resolves when the chat list shows. */
export async function onboard(page: Page, name: string, options: OnboardOptions = {}): Promise<void> {
  const passphrase = options.passphrase ?? PASSPHRASE;
  if (options.picture !== undefined) {
    const chooser = page.waitForEvent('filechooser');
    await page.getByText('Choose a picture').click();
    await (await chooser).setFiles(options.picture);
    await expect(page.getByRole('main').locator('img.avatar')).toBeVisible();
  }
  await typeInto(page.getByLabel('Your name', { exact: true }), name);
  if (options.username !== undefined) await typeInto(page.getByLabel(/^Username/u), options.username);
  await typeInto(page.getByLabel('Passphrase', { exact: true }), passphrase);
  await typeInto(page.getByLabel('Repeat passphrase', { exact: true }), passphrase);
  await page.getByRole('button', { name: 'Create my identity' }).click();
  await expect(page.getByRole('navigation', { name: 'Chats' })).toBeVisible();
}

/** Later visits: the passphrase opens the keys. */
export async function unlock(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await typeInto(page.getByLabel('Passphrase', { exact: true }), passphrase);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation', { name: 'Chats' })).toBeVisible();
}

/** Opens "My contact link", reads the link shown, closes the dialog with Esc. */
export async function myContactLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'My contact link' }).click();
  const dialog = page.getByRole('dialog', { name: 'My contact link' });
  await expect(dialog.getByRole('img', { name: 'QR code of your contact link' })).toBeVisible();
  const link = await dialog.getByRole('textbox').inputValue();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  return link;
}

/** Adds a contact by pasting their link (or typing a username); the chat with them opens. */
export async function addContact(page: Page, linkOrUsername: string): Promise<void> {
  await page.getByRole('button', { name: 'Add contact' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a contact' });
  await dialog.getByLabel('Contact link or username').click();
  await page.keyboard.insertText(linkOrUsername); // a paste
  await dialog.getByRole('button', { name: 'Add contact' }).click();
  await expect(dialog).toBeHidden();
}

export function chatRow(page: Page, name: string): Locator {
  return (
    page
      .getByRole('navigation', { name: 'Chats' })
      // Named by what it shows: "Bob , 3 unread, 14:09 last words" (Chromium puts a space between flex items).
      .getByRole('button', { name: new RegExp(`^${escapeRegExp(name)} ?(,|$)`) })
  );
}

export async function openChat(page: Page, name: string): Promise<void> {
  await chatRow(page, name).click();
  await expect(conversation(page, name)).toBeVisible();
}

export function conversation(page: Page, name: string): Locator {
  return page.getByRole('region', { name: `Conversation with ${name}` });
}

/** Types a message in the open conversation and presses Enter. */
export async function sendText(page: Page, text: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Type a message' });
  await input.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect(input).toHaveValue('');
}

/** The bubble whose own text (not a quote of another message) is exactly this, in the open conversation. */
export function bubble(page: Page, text: string): Locator {
  return page
    .getByRole('list', { name: 'Messages' })
    .getByRole('article')
    .filter({ has: page.locator('.bubble-body').getByText(text, { exact: true }) });
}

export async function expectTick(page: Page, text: string, tick: TickLabel): Promise<void> {
  await expect(bubble(page, text).getByRole('img', { name: tick, exact: true })).toBeVisible();
}

/** The texts of the message bubbles on screen, oldest first. */
export async function visibleMessages(page: Page): Promise<string[]> {
  return page.getByRole('list', { name: 'Messages' }).locator('.bubble-text').allTextContents();
}

async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.page().keyboard.type(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/** Opens a message's menu (hover, then its options button) and picks an entry. */
export async function messageAction(page: Page, text: string, action: string): Promise<void> {
  const target = bubble(page, text);
  await target.hover();
  await target.getByRole('button', { name: 'Message options' }).click();
  await page.getByRole('menu', { name: 'Message options' }).getByRole('menuitem', { name: action }).click();
}

/** Everyone adds everyone else by their contact link. */
export async function addEachOther(people: readonly { name: string; page: Page }[]): Promise<void> {
  const links = new Map<string, string>();
  for (const person of people) links.set(person.name, await myContactLink(person.page));
  for (const person of people) {
    for (const other of people) {
      if (other !== person) await addContact(person.page, links.get(other.name) ?? '');
    }
  }
}

/** Two people who added each other by link, each with the other's chat open. */
export async function befriend(a: { page: Page }, b: { page: Page }): Promise<void> {
  const linkA = await myContactLink(a.page);
  const linkB = await myContactLink(b.page);
  await addContact(b.page, linkA);
  await addContact(a.page, linkB);
}

/**
 * Fails if any control on the page has no accessible name (read from the accessibility tree, as a screen
 * reader would): a button, text box, search box, combo box, checkbox, link or menu item without a name.
 */
export async function expectControlsLabelled(page: Page): Promise<void> {
  const tree = await page.locator('body').ariaSnapshot();
  const unnamed = tree
    .split('\n')
    .filter((line) =>
      /^\s*- (button|textbox|searchbox|combobox|checkbox|link|menuitem|slider)\s*(:|$)/u.test(line),
    );
  expect(unnamed, `controls without an accessible name:\n${tree}`).toEqual([]);
}

/** New group → tick the members → name it → Create group; the group's conversation opens. */
export async function createGroup(page: Page, name: string, members: readonly string[]): Promise<void> {
  await page.getByRole('button', { name: 'New group' }).click();
  const dialog = page.getByRole('dialog', { name: 'New group' });
  for (const member of members) await dialog.getByRole('checkbox', { name: member }).click();
  await dialog.getByLabel('Group name', { exact: true }).click();
  await page.keyboard.type(name);
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog).toBeHidden();
  await expect(conversation(page, name)).toBeVisible();
}

/** The settings side panel. */
export function settingsPanel(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Settings' });
}

/** Opens settings and waits for its first section. */
export async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const panel = settingsPanel(page);
  await expect(panel.getByRole('heading', { name: 'Profile' })).toBeVisible();
  return panel;
}
