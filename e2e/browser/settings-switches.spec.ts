import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { decodePng } from './support/png.js';
import { onboard } from './support/ui.js';

type Rgb = [number, number, number];

const distance = (a: Rgb, b: Rgb) => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);

/**
 * The switch as drawn: the colour at the knob's place (the left end when off, the right end when on) and at
 * the other end of the track. A knob drawn outside the track, or not at all, leaves both the same.
 */
async function knobAndTrack(page: Page, toggle: Locator): Promise<{ knob: Rgb; track: Rgb; on: boolean }> {
  const box = await toggle.boundingBox();
  if (box === null) throw new Error('the switch is not on screen');
  const pixels = decodePng(await page.screenshot({ clip: box, scale: 'css' }));
  const y = Math.round(pixels.height / 2);
  const left = pixels.at(Math.round(pixels.height / 2), y);
  const right = pixels.at(pixels.width - 1 - Math.round(pixels.height / 2), y);
  const on = await toggle.isChecked();
  return on ? { knob: right, track: left, on } : { knob: left, track: right, on };
}

test('settings switches draw their knob inside the track, on and off, in light and dark', async ({
  people,
}, testInfo) => {
  const [ann] = await people('Ann');
  const page = ann.page;
  await onboard(page, 'Ann');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const receipts = page
    .getByRole('complementary', { name: 'Settings' })
    .getByRole('switch', { name: 'Read receipts' });
  await expect(receipts).toBeChecked();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const expected of [true, false]) {
      if ((await receipts.isChecked()) !== expected) await receipts.click();
      await expect(receipts).toBeChecked({ checked: expected });
      const { knob, track } = await knobAndTrack(page, receipts);
      expect(
        distance(knob, track),
        `${scheme}, ${expected ? 'on' : 'off'}: knob ${knob.join(',')} on track ${track.join(',')}`,
      ).toBeGreaterThan(120);
      await receipts.screenshot({
        path: testInfo.outputPath(`switch-${scheme}-${expected ? 'on' : 'off'}.png`),
      });
    }
    await page
      .getByRole('complementary', { name: 'Settings' })
      .screenshot({ path: testInfo.outputPath(`settings-${scheme}.png`) });
  }
  // Back on, as it started.
  await receipts.click();
  await expect(receipts).toBeChecked();
});
