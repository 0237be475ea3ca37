import { defineConfig } from '@playwright/test';

/**
 * Browser scenarios (e2e/browser/*.spec.ts) in Debian's Chromium against a real relay serving the built web
 * client (npm run build:web). Each person is a separate Chromium with its own profile (support/people.ts),
 * so launch options live in support/chromium.ts. Run inside a loopback-only network namespace:
 *   unshare -rn sh -c 'ip link set lo up && npx playwright test -c e2e/playwright.config.ts'
 */
export default defineConfig({
  testDir: 'browser',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results/browser',
  // Two CPU cores, and each scenario runs two or three Chromiums already.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  // A backstop for the whole run (about 27 minutes on two cores): past it Playwright stops, counts the test it
  // interrupted as failed and those it never reached as skipped, and still writes its report, so the test
  // command ends with its totals inside CI's limit (scripts/test-all.mjs stops it outright 4 minutes later).
  globalTimeout: 36 * 60_000,
  expect: { timeout: 30_000 },
  retries: 0,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME
    ? [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]]
    : [['list']],
  use: { actionTimeout: 30_000 },
});
