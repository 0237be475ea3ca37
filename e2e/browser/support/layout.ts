import { expect, type Page } from '@playwright/test';

/** The widths a phone, a large phone and a tablet give the web client. */
export const PHONE_WIDTHS = [360, 390, 768] as const;

interface Misplaced {
  readonly control: string;
  readonly problem: string;
}

/*
 * Evaluated in the page as a string: tsx would wrap a function written here with helpers the page lacks.
 * For every visible control (button, link, field, switch, menu item…):
 * - its box lies inside the viewport horizontally and inside every ancestor that clips it;
 * - if it is below or above the fold, an ancestor scrolls vertically, so it can be scrolled to;
 * - if it is on screen, the point at its centre hits it (nothing covers it), so it can be clicked.
 * The page itself never scrolls sideways. While a modal dialog is open, only its controls count.
 */
const FIND_MISPLACED = `(() => {
  const SELECTOR = 'button, a[href], input:not([type=hidden]), textarea, select, [role=button], [role=switch], [role=menuitem], [role=radio], [role=checkbox], [role=tab], [tabindex]:not([tabindex="-1"])';
  const width = document.documentElement.clientWidth;
  const height = document.documentElement.clientHeight;
  const found = [];
  const nameOf = (element) => {
    const label = element.getAttribute('aria-label') || element.textContent || element.getAttribute('placeholder') || '';
    return element.tagName.toLowerCase() + ' "' + label.trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  };
  if (document.documentElement.scrollWidth > width + 1)
    found.push({ control: 'page', problem: 'scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide in ' + width + ' px' });
  // While a modal dialog is open, what is behind it is not meant to be reached: check the dialog alone.
  const modals = document.querySelectorAll('[aria-modal="true"]');
  const scope = modals.length > 0 ? modals[modals.length - 1] : document;
  for (const element of scope.querySelectorAll(SELECTOR)) {
    const rect = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (rect.width < 2 || rect.height < 2 || style.visibility === 'hidden' || element.closest('[aria-hidden="true"], [inert]')) continue;
    // Inputs drawn by their <label> (file pickers, visually hidden radios) are reached through the label.
    if (element.matches('input') && (style.opacity === '0' || element.closest('.visually-hidden'))) continue;
    if (rect.left < -1 || rect.right > width + 1) {
      found.push({ control: nameOf(element), problem: 'outside the viewport: x ' + Math.round(rect.left) + '..' + Math.round(rect.right) + ' of ' + width });
      continue;
    }
    let scrolls = false;
    let clipped = false;
    for (let parent = element.parentElement; parent !== null && parent !== document.body; parent = parent.parentElement) {
      const parentStyle = getComputedStyle(parent);
      const box = parent.getBoundingClientRect();
      if (/(auto|scroll)/.test(parentStyle.overflowY) && parent.scrollHeight > parent.clientHeight) scrolls = true;
      if (parentStyle.overflowX !== 'visible' && !/(auto|scroll)/.test(parentStyle.overflowX) && (rect.left < box.left - 1 || rect.right > box.right + 1)) {
        found.push({ control: nameOf(element), problem: 'cut off by ' + parent.tagName.toLowerCase() + '.' + String(parent.className).split(' ')[0] });
        clipped = true;
        break;
      }
      if (/(auto|scroll)/.test(parentStyle.overflowX) && parent.scrollWidth > parent.clientWidth + 1 && !parent.matches('[role=list], [role=listbox], [role=tablist], [role=group], ul, ol')) {
        found.push({ control: nameOf(element), problem: 'inside a box that scrolls sideways: ' + parent.tagName.toLowerCase() + '.' + String(parent.className).split(' ')[0] });
        clipped = true;
        break;
      }
    }
    if (clipped) continue;
    const onScreen = rect.top >= -1 && rect.bottom <= height + 1;
    if (!onScreen) {
      if (!scrolls && !(rect.top < height && rect.bottom > 0)) found.push({ control: nameOf(element), problem: 'off screen (y ' + Math.round(rect.top) + ') with nothing to scroll' });
      continue;
    }
    const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    const label = element.id === '' ? null : document.querySelector('label[for="' + CSS.escape(element.id) + '"]');
    if (hit !== null && !element.contains(hit) && !(label !== null && label.contains(hit)) && !hit.contains(element))
      found.push({ control: nameOf(element), problem: 'covered by ' + hit.tagName.toLowerCase() + '.' + String(hit.className).split(' ')[0] });
  }
  return found;
})()`;

/** Fails listing every visible control that is cut off, off screen with no way to scroll to it, or covered. */
export async function expectControlsInViewport(page: Page, screen: string): Promise<void> {
  const misplaced = await page.evaluate<Misplaced[]>(FIND_MISPLACED);
  const width = page.viewportSize()?.width ?? 0;
  expect(
    misplaced.map((entry) => `${entry.control}: ${entry.problem}`),
    `${screen} at ${width} px`,
  ).toEqual([]);
}

/** For each phone width: resize, let layout settle, check the controls, take a screenshot. */
export async function checkAtPhoneWidths(
  page: Page,
  screen: string,
  screenshotPath: (name: string) => string,
): Promise<void> {
  const original = page.viewportSize();
  for (const width of PHONE_WIDTHS) {
    await page.setViewportSize({ width, height: 740 });
    await page.evaluate(
      'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
    );
    await page.screenshot({ path: screenshotPath(`${screen.replace(/\W+/gu, '-')}-${width}.png`) });
    await expectControlsInViewport(page, screen);
  }
  if (original !== null) await page.setViewportSize(original);
}
