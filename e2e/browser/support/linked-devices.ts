import { expect, type Locator, type Page } from '@playwright/test';
import { openSettings, PASSPHRASE } from './ui.js';

/*
 * Linked devices, driven as a person does: Settings → Linked devices on the existing device, and
 * "Link to an existing account" on a new device's onboarding screen.
 */

/** Opens Settings → Linked devices; resolves the panel. */
export async function openLinkedDevices(page: Page): Promise<Locator> {
  const settings = await openSettings(page);
  await settings.getByRole('button', { name: 'Linked devices' }).click();
  const panel = page.getByRole('complementary', { name: 'Linked devices' });
  await expect(panel.getByRole('heading', { name: 'Devices', exact: true })).toBeVisible();
  return panel;
}

/** "Link a new device" in the open panel: resolves the `parley://link` text it shows beside the QR code. */
export async function showLinkPayload(panel: Locator): Promise<string> {
  await panel.getByRole('button', { name: 'Link a new device' }).click();
  await expect(panel.getByRole('img', { name: 'QR code to link a new device' })).toBeVisible();
  return panel.getByLabel(/^Or paste this on the new device/u).inputValue();
}

/** On a fresh browser's onboarding screen: "Link to an existing account", where the payload is pasted. */
export async function openLinkForm(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Link to an existing account' }).click();
  const form = page.getByRole('main');
  await expect(form.getByRole('heading', { name: 'Link to an existing account' })).toBeVisible();
  return form;
}

/** Pastes `payload` (replacing what the field held), types the passphrase twice, submits. */
export async function submitLink(page: Page, payload: string, passphrase = PASSPHRASE): Promise<void> {
  const main = page.getByRole('main');
  const field = main.getByLabel('Link from your other device');
  await field.fill('');
  await field.click();
  await page.keyboard.insertText(payload); // a paste
  for (const label of ['Passphrase', 'Repeat passphrase']) {
    const input = main.getByLabel(label, { exact: true });
    if ((await input.inputValue()) === '') await input.fill(passphrase);
  }
  await main.getByRole('button', { name: 'Link this device' }).click();
}

/**
 * Links `newPage` (a fresh browser on its onboarding screen) to the account open in `existingPage`: the
 * payload pasted, the short code confirmed on the existing device; resolves, once the new one shows the chats,
 * the existing device's Linked devices panel (still open).
 */
export async function linkBrowser(existingPage: Page, newPage: Page): Promise<Locator> {
  const panel = await openLinkedDevices(existingPage);
  const payload = await showLinkPayload(panel);
  await openLinkForm(newPage);
  await submitLink(newPage, payload);
  await expect(panel.getByLabel('Short code')).toBeVisible({ timeout: 30_000 });
  await expect(newPage.getByLabel('Short code')).toBeVisible({ timeout: 30_000 });
  await panel.getByRole('button', { name: 'Codes match — link' }).click();
  await expect(newPage.getByRole('navigation', { name: 'Chats' })).toBeVisible({ timeout: 120_000 });
  await expect(panel.getByRole('status').first()).toHaveText(/Done/u, { timeout: 60_000 });
  return panel;
}
