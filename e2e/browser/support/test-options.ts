import type { BrowserContext, Page } from '@playwright/test';

/**
 * The app's test hooks a scenario may set before its pages load (desktop/src/renderer/platform/test-options.dom.ts
 * reads them): `window.parleyTestOptions`, set by an init script on a page or on every page of a context. Takes
 * effect from the next load.
 */
export interface ParleyTestOptions {
  callRingMs?: number;
  groupCallWithoutFrameKeys?: boolean;
  groupCallE2eeProbe?: boolean;
  groupCallEavesdropAfterLeave?: boolean;
  attachmentCryptoInline?: boolean;
}

export async function setTestOptions(
  target: Page | BrowserContext,
  options: ParleyTestOptions,
): Promise<void> {
  const script = (given: ParleyTestOptions) => {
    (window as unknown as { parleyTestOptions: ParleyTestOptions }).parleyTestOptions = given;
  };
  await target.addInitScript(script, options);
}

/**
 * This page's group calls go straight to the SFU (the app's `__parleyGroupCallMeshLimit` hook set to 0): with the
 * default mesh limit (4) a call of two to four would be a mesh. Takes effect from the next load.
 */
export async function groupCallsStraightToSfu(page: Page): Promise<void> {
  await page.addInitScript(() => {
    (window as unknown as { __parleyGroupCallMeshLimit: number }).__parleyGroupCallMeshLimit = 0;
  });
}
