import { test as base } from '@playwright/test';
import { assertChromium } from './chromium.js';
import { openPeople, type OpenPeople, type Person } from './people.js';
import { WebRelay, type CallServerMode } from './web-relay.js';

interface Options {
  /** Start the group-call SFU beside the relay (`test.use({ callServer: 'trusting' })`). */
  callServer: CallServerMode | undefined;
}

interface Fixtures {
  /** A fresh real relay for this test, serving the web client. */
  relay: WebRelay;
  /** Opens independent people (each their own Chromium and profile) on the relay's web client. */
  people: OpenPeople;
}

export const test = base.extend<Options & Fixtures>({
  callServer: [undefined, { option: true }],
  relay: async ({ callServer }, use) => {
    assertChromium();
    const relay = await WebRelay.start(callServer === undefined ? {} : { callServer });
    await use(relay);
    await relay.close();
  },
  people: async ({ relay }, use, testInfo) => {
    const opened: Person[] = [];
    await use(async (...names) => {
      const people = await openPeople(names, relay.url);
      opened.push(...people);
      return people;
    });
    const violations = opened.flatMap((person) =>
      person.cspViolations.map((text) => `${person.name}: ${text}`),
    );
    for (const person of opened) {
      if (testInfo.status !== testInfo.expectedStatus) {
        const page = (() => {
          try {
            return person.page;
          } catch {
            return undefined;
          }
        })();
        if (page !== undefined)
          await page
            .screenshot({ path: testInfo.outputPath(`failure-${person.name}.png`) })
            .catch(() => undefined);
      }
      await person.destroy();
    }
    // Inline styles or scripts would work in a lax browser and break in Electron: fail the scenario.
    if (violations.length > 0)
      throw new Error(`Content-Security-Policy violations:\n${violations.join('\n')}`);
  },
});

export { expect } from '@playwright/test';
