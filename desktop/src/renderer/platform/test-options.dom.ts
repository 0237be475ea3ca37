/**
 * What a browser scenario may shorten before the page loads (Playwright's addInitScript sets
 * `window.parleyTestOptions`), so "nobody answers" is tested without waiting 45 s. It only ever shortens
 * this device's own ringing, to between 1 s and the default: nothing a page script could abuse.
 */
export function testCallTimeouts(): { callTimeouts?: { ringMs: number } } {
  const options = (window as Window & { parleyTestOptions?: { callRingMs?: unknown } }).parleyTestOptions;
  const ringMs = options?.callRingMs;
  if (typeof ringMs !== 'number' || !Number.isInteger(ringMs) || ringMs < 1000 || ringMs > 45_000) return {};
  return { callTimeouts: { ringMs } };
}

/**
 * A browser scenario's "participant without the frame key" (`parleyTestOptions.groupCallWithoutFrameKeys`):
 * this device's group calls ignore the frame keys others send it, so it decodes none of their media. It only
 * ever takes this device's own ability to decrypt away: nothing a page script could abuse.
 */
export function testGroupCallWithoutFrameKeys(): boolean {
  const options = (window as Window & { parleyTestOptions?: { groupCallWithoutFrameKeys?: unknown } })
    .parleyTestOptions;
  return options?.groupCallWithoutFrameKeys === true;
}
