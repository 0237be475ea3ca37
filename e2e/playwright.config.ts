import { defineConfig } from '@playwright/test';

/**
 * Browser scenarios (e2e/browser/*.spec.ts) in Debian's headless Chromium against a real relay serving the built
 * web client (npm run build:web). Each person is a separate Chromium with its own profile (support/people.ts),
 * so launch options live in support/chromium.ts. Run inside a loopback-only network namespace:
 *   unshare -rn sh -c 'ip link set lo up && npx playwright test -c e2e/playwright.config.ts'
 *
 * Two projects, which the test command runs one after the other (scripts/test-all.mjs): `chats`, two files at a
 * time (their people mostly wait on the relay, sockets and timers), then `calls`, one at a time (two to five
 * people encoding and decoding video keep both cores busy; a second file beside them starves their media).
 */
const CALLS = [
  'call-network',
  'call-relay-restart',
  'calls',
  'e2ee-frames',
  'group-call',
  'group-call-e2ee',
  'group-call-e2ee-leave',
  'group-call-mesh',
  'linked-device-calls',
].map((name) => `**/${name}.spec.ts`);

export default defineConfig({
  testDir: 'browser',
  testMatch: '**/*.spec.ts',
  workers: 2,
  fullyParallel: false,
  projects: [
    // Each its own output folder: Playwright empties a run's folders when it starts.
    { name: 'chats', testIgnore: CALLS, workers: 2, outputDir: '../test-results/browser/chats' },
    { name: 'calls', testMatch: CALLS, workers: 1, outputDir: '../test-results/browser/calls' },
  ],
  timeout: 180_000,
  // A backstop for one project's run (the test command passes a tighter --global-timeout for each): past it
  // Playwright stops, counts the test it interrupted as failed and those it never reached as skipped, and still
  // writes its report, so the test command ends with its totals inside CI's limit.
  globalTimeout: 36 * 60_000,
  expect: { timeout: 30_000 },
  retries: 0,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME
    ? [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]]
    : [['list']],
  use: { actionTimeout: 30_000 },
});
