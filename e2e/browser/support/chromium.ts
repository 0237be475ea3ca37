import { existsSync } from 'node:fs';

/**
 * Debian's Chromium (Playwright's own browsers cannot be downloaded here), as its headless build, package
 * chromium-headless-shell: the same Chromium engine, WebRTC and media stack without the browser's own UI,
 * which no scenario drives and which made each person cost four times the CPU to start (five people: 21
 * against 5 CPU-seconds) on a suite bound by two cores. PARLEY_CHROMIUM=/usr/bin/chromium runs the full one.
 */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium-headless-shell';

export const CHROMIUM_ARGS = [
  // The namespace runs us as a mapped root, where Chromium's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Loopback host candidates instead of mDNS names, and allowed at all: the only network here is lo.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--allow-loopback-in-peer-connection',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
];

/**
 * What every page is allowed, as a person allowing the app their camera and microphone once: without a granted
 * permission Chromium hides host candidates behind mDNS names, which nothing resolves on loopback, and no call
 * connects (the full browser's WebRtcHideLocalIpsWithMdns switch above does not reach the headless one).
 */
export const PERMISSIONS = ['camera', 'microphone'];

export function assertChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium-headless-shell (.ci/run does) or set PARLEY_CHROMIUM`,
    );
}
