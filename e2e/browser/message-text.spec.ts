import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/axe.js';
import { expect, test } from './support/fixtures.js';
import { openFriends } from './support/friends.js';
import { decodePng } from './support/png.js';
import { bubble, conversation, sendText } from './support/ui.js';

/** Pastes a text into the composer and sends it (typing 300 words key by key would take minutes). */
async function pasteAndSend(page: Page, text: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Type a message' });
  await input.click();
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
  await expect(input).toHaveValue('');
}

/**
 * The shipped emoji fonts' faces this page has loaded, colour or outline (app/emoji-font.dom.ts picks):
 * a system font never shows in document.fonts.
 */
function emojiFacesLoaded(page: Page): Promise<number> {
  return page.evaluate<number>(
    `[...document.fonts].filter((face) => /^"?Noto (Color )?Emoji"?$/.test(face.family) && face.status === 'loaded').length`,
  );
}

/** How many distinct colours the bubble text's box shows: a blank glyph leaves only the background. */
async function paintedColours(page: Page, text: string): Promise<number> {
  const box = await bubble(page, text).locator('.bubble-text').boundingBox();
  if (box === null) throw new Error(`no bubble "${text}" on screen`);
  const pixels = decodePng(await page.screenshot({ clip: box, scale: 'css' }));
  const colours = new Set<string>();
  for (let y = 0; y < pixels.height; y++)
    for (let x = 0; x < pixels.width; x++) colours.add(pixels.at(x, y).join());
  return colours.size;
}

function fontSizeOf(page: Page, text: string): Promise<number> {
  return bubble(page, text)
    .locator('.bubble-text')
    .evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
}

test('emoji use the shipped font in the picker, messages and previews, and one to three emoji alone show large', async ({
  people,
}, testInfo) => {
  const [alice, bob] = await openFriends(people, 'Alice', 'Bob');

  // The picker draws its emoji in the shipped font.
  await alice.page.getByRole('button', { name: 'Emoji' }).click();
  const picker = alice.page.getByRole('dialog', { name: 'Emoji' });
  await expect(picker.getByRole('button', { name: '🎉' })).toBeVisible();
  await expect.poll(() => emojiFacesLoaded(alice.page)).toBeGreaterThan(0);
  await alice.page.evaluate('document.fonts.ready');
  await alice.page.screenshot({ path: testInfo.outputPath('emoji-picker.png') });
  await picker.getByRole('button', { name: '🎉' }).click();
  await alice.page.getByRole('textbox', { name: 'Type a message' }).press('Enter');

  await sendText(alice.page, '👍❤️😂');
  await sendText(alice.page, 'Four is text size 😀😀😀😀');
  await sendText(alice.page, 'Normal text with 🙂 in it');
  for (const text of ['🎉', '👍❤️😂', 'Normal text with 🙂 in it'])
    await expect(bubble(bob.page, text)).toBeVisible();
  // Bob's device drew them (and his chat list's preview) in the shipped font too.
  await expect.poll(() => emojiFacesLoaded(bob.page)).toBeGreaterThan(0);
  await bob.page.evaluate('document.fonts.ready');
  // Drawn, not blank: the 🎉 bubble's text shows more colours than its background's.
  expect(await paintedColours(bob.page, '🎉')).toBeGreaterThan(4);
  const normal = await fontSizeOf(bob.page, 'Normal text with 🙂 in it');
  expect(await fontSizeOf(bob.page, '🎉')).toBeGreaterThan(normal * 2);
  expect(await fontSizeOf(bob.page, '👍❤️😂')).toBeGreaterThan(normal * 1.5);
  expect(await fontSizeOf(bob.page, 'Four is text size 😀😀😀😀')).toBe(normal);
  await bob.page.screenshot({ path: testInfo.outputPath('emoji-large.png') });
  await expect(
    bob.page.getByRole('navigation', { name: 'Chats' }).getByText('Normal text with 🙂 in it'),
  ).toBeVisible();
});

test('a long message folds behind "Read more", and http(s) links open outside the app while markup stays text', async ({
  people,
  relay,
}, testInfo) => {
  const [alice, bob] = await openFriends(people, 'Alice', 'Bob');

  const words = Array.from({ length: 320 }, (_, i) => `word${i}`);
  await pasteAndSend(alice.page, `A long story: ${words.join(' ')} THE-END`);
  const chat = conversation(bob.page, 'Alice');
  const long = chat.getByRole('article').filter({ hasText: 'A long story:' });
  await expect(long).toBeVisible();
  await expect(long).not.toContainText('THE-END');
  await bob.page.screenshot({ path: testInfo.outputPath('read-more-folded.png') });
  await long.getByRole('button', { name: 'Read more' }).click();
  await expect(long).toContainText('word319 THE-END');
  await expect(long.getByRole('button', { name: 'Read more' })).toHaveCount(0);

  const link = `${relay.url}/?from=parley#top`;
  const text = `Look at ${link}, not <b>bold</b> <a href="javascript:alert(1)">x</a> javascript:alert(2) file:///etc/passwd.`;
  await pasteAndSend(alice.page, text);
  const withLink = chat.getByRole('article').filter({ hasText: 'Look at' });
  await expect(withLink.locator('.bubble-text')).toHaveText(text);
  const links = withLink.getByRole('link');
  await expect(links).toHaveCount(1);
  await expect(links).toHaveAccessibleName(link);
  await expect(links).toHaveAttribute('href', link);
  await expect(links).toHaveAttribute('target', '_blank');
  await expect(links).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(withLink.locator('b')).toHaveCount(0);
  await bob.page.screenshot({ path: testInfo.outputPath('link.png') });
  await expectNoSeriousA11yViolations(bob.page, 'a link and a folded message');
  await bob.page.emulateMedia({ colorScheme: 'dark' });
  await expectNoSeriousA11yViolations(bob.page, 'a link and a folded message (dark)');
  await bob.page.emulateMedia({ colorScheme: 'light' });

  // Clicking opens a separate tab that cannot reach back into Parley and is told nothing of where it came from.
  const opened = bob.page.waitForEvent('popup');
  await links.click();
  const tab = await opened;
  await tab.waitForLoadState('domcontentloaded');
  expect(tab.url()).toBe(link);
  expect(await tab.evaluate('window.opener === null && document.referrer === ""')).toBe(true);
  await tab.close();
  await expect(chat).toBeVisible();
  expect(bob.dialogs).toEqual([]);
});
