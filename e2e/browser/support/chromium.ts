import { existsSync } from 'node:fs';

/** Debian's Chromium: Playwright's own browsers cannot be downloaded here. */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

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

export function assertChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (.ci/run does) or set PARLEY_CHROMIUM`,
    );
}
