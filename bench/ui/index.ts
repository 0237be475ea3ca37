/**
 * Web client benches, in Debian's Chromium against a real relay serving the built client (`npm run
 * build:web` first; `npm run bench` does). Run inside a loopback-only namespace:
 *   unshare -rn sh -c 'ip link set lo up && npx tsx bench/ui/index.ts'
 * Prints, each against a baseline measured in the same run:
 * - time to the first interactive screen (onboarding, and the unlock screen of a returning person) against a
 *   static page with one labelled input served from loopback;
 * - time to open a conversation holding 100,000 messages against one holding 50;
 * - frame times while scrolling up through a 10,000-message conversation against the same wheel gestures
 *   over a static page of 10,000 lines.
 * - the JavaScript the first screen loads (gzipped KB) against all of the build's.
 * With PARLEY_BENCH_UI=first-load only the first-load figures run (sizes, onboarding, unlock).
 * Nothing here asserts a number.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from '@playwright/test';
import { Person } from '../../e2e/browser/support/people.js';
import { chatRow, onboard, PASSPHRASE, unlock } from '../../e2e/browser/support/ui.js';
import { WebRelay } from '../../e2e/browser/support/web-relay.js';
import type { SeedRequest } from './seed.dom.js';
import { formatSize, scriptSizes } from './initial-js.js';
import { frameStats, median, type FrameStats } from './stats.js';

const ROUNDS = 5;
const FIRST_LOAD_ONLY = process.env.PARLEY_BENCH_UI === 'first-load';
const DIST = fileURLToPath(new URL('../../desktop/dist/renderer', import.meta.url));
const BIG = 100_000;
const SMALL = 50;
const SCROLL = 10_000;

const baselineHtml = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>baseline</title></head><body>${body}</body></html>`;
const BASELINE_PAGES: Record<string, string> = {
  '/input': baselineHtml('<label>Your name <input></label>'),
  '/lines': baselineHtml(
    Array.from({ length: SCROLL }, (_, i) => `<p>#${i} the quick brown fox jumps over a lazy dog</p>`).join(
      '',
    ),
  ),
};

function startBaselineServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const page = BASELINE_PAGES[request.url ?? ''];
    response.writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page ?? 'not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      resolve({ server, url: `http://127.0.0.1:${address.port}` });
    });
  });
}

/** Milliseconds from navigation start until the labelled input can be typed into. */
async function timeToInput(page: Page, url: string, label: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const input = page.getByLabel(label, { exact: true });
  await input.waitFor({ state: 'visible' });
  await page.waitForFunction(
    (element) => element !== null && !(element as HTMLInputElement).disabled,
    await input.elementHandle(),
  );
  return page.evaluate(() => performance.now());
}

async function seedBundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./seed.dom.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no seed bundle');
  return file.text;
}

/**
 * Timestamps of every animation frame while `during` runs. The recorder is a string evaluated in the page:
 * tsx would wrap a function written here with helpers the page does not have.
 */
async function recordFrames(page: Page, during: () => Promise<void>): Promise<number[]> {
  await page.evaluate(`(() => {
    const state = { frames: [], running: true };
    globalThis.benchFrames = state;
    const tick = (time) => {
      state.frames.push(time);
      if (state.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await during();
  return page.evaluate<number[]>(`(() => {
    globalThis.benchFrames.running = false;
    return globalThis.benchFrames.frames;
  })()`);
}

/** The same gesture everywhere: 60 wheel notches of 400 px up, one every 50 ms (3 s of brisk scrolling). */
async function scrollUp(page: Page): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(50);
  }
}

function formatFrames(stats: FrameStats): string {
  return `p50 ${stats.p50.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms, max ${stats.max.toFixed(0)} ms, ${stats.over50} of ${stats.count} frames over 50 ms`;
}

async function main(): Promise<void> {
  const relay = await WebRelay.start();
  const baseline = await startBaselineServer();
  const people: Person[] = [];
  try {
    console.log(
      `Web client benches (Chromium ${process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium'}, headless, ${ROUNDS} rounds each)`,
    );

    const sizes = await scriptSizes(DIST);
    console.log(
      `  initial JavaScript: ${formatSize(sizes.initial)}; all JavaScript: ${formatSize(sizes.all)}`,
    );

    // 1. First interactive screen, first visit: a fresh profile each round.
    const onboarding: number[] = [];
    const staticInput: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const fresh = await Person.open(`fresh${round}`, 'about:blank');
      people.push(fresh);
      staticInput.push(await timeToInput(fresh.page, `${baseline.url}/input`, 'Your name'));
      onboarding.push(await timeToInput(fresh.page, relay.url, 'Your name'));
      await fresh.quit();
    }
    const firstVisit = median(onboarding);
    const staticFirst = median(staticInput);
    console.log(
      `  first interactive screen, first visit (onboarding): ${firstVisit.toFixed(0)} ms = ${(firstVisit / staticFirst).toFixed(2)}× a static page with one input (${staticFirst.toFixed(0)} ms); median of ${ROUNDS}`,
    );

    // 2. A returning person with three seeded conversations.
    const person = await Person.open('Reader', relay.url);
    people.push(person);
    await onboard(person.page, 'Reader');
    await person.page.reload();
    await person.page.getByLabel('Passphrase', { exact: true }).waitFor();
    const seed: SeedRequest = {
      databaseName: 'parley',
      passphrase: PASSPHRASE,
      conversations: { Big: BIG, Small: SMALL, Scroll: SCROLL },
    };
    // Evaluated over the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
    if (!FIRST_LOAD_ONLY) await person.page.evaluate(await seedBundle());
    const seedStart = performance.now();
    if (!FIRST_LOAD_ONLY)
      await person.page.evaluate(
        (request) =>
          (globalThis as unknown as { parleyBenchSeed: (r: SeedRequest) => Promise<void> }).parleyBenchSeed(
            request,
          ),
        seed,
      );
    if (!FIRST_LOAD_ONLY)
      console.log(
        `  (seeded ${BIG + SMALL + SCROLL} messages through core's storage in ${((performance.now() - seedStart) / 1000).toFixed(1)} s)`,
      );

    const unlockScreen: number[] = [];
    const unlockToChats: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      unlockScreen.push(await timeToInput(person.page, relay.url, 'Passphrase'));
      const start = performance.now();
      await unlock(person.page);
      unlockToChats.push(performance.now() - start);
    }
    const unlockFirst = median(unlockScreen);
    console.log(
      `  first interactive screen, returning (unlock): ${unlockFirst.toFixed(0)} ms = ${(unlockFirst / staticFirst).toFixed(2)}× the static page; passphrase → chat list ${median(unlockToChats).toFixed(0)} ms (PBKDF2 ≥ 600,000 iterations, then the database opens)`,
    );

    if (FIRST_LOAD_ONLY) return;

    // 3. Opening conversations: the newest message of each shows.
    const page = person.page;
    const open = async (title: string, count: number): Promise<number> => {
      const start = performance.now();
      await chatRow(page, title).click();
      await page
        .getByRole('region', { name: `Conversation with ${title}` })
        .getByText(new RegExp(`^#${count - 1} `))
        .waitFor();
      return performance.now() - start;
    };
    await open('Small', SMALL); // warm-up: the first open pays for code paths the others reuse
    const big: number[] = [];
    const small: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      big.push(await open('Big', BIG));
      small.push(await open('Small', SMALL));
    }
    const bigMs = median(big);
    const smallMs = median(small);
    console.log(
      `  open a conversation of ${BIG.toLocaleString('en')} messages: ${bigMs.toFixed(0)} ms = ${(bigMs / smallMs).toFixed(2)}× one of ${SMALL} (${smallMs.toFixed(0)} ms); median of ${ROUNDS}, click → newest bubble shown`,
    );

    // 4. Scrolling up through 10,000 messages (older pages load as the top comes near).
    await open('Scroll', SCROLL);
    await page.getByRole('list', { name: 'Messages' }).hover();
    const appFrames = frameStats(await recordFrames(page, () => scrollUp(page)));
    const shown = await page
      .getByRole('list', { name: 'Messages' })
      .getByRole('article')
      .first()
      .textContent();
    const staticPage = page;
    await staticPage.goto(`${baseline.url}/lines`);
    await staticPage.mouse.move(400, 400);
    await staticPage.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const staticFrames = frameStats(await recordFrames(staticPage, () => scrollUp(staticPage)));
    console.log(
      `  scroll up through ${SCROLL.toLocaleString('en')} messages: ${formatFrames(appFrames)}; p95 = ${(appFrames.p95 / staticFrames.p95).toFixed(2)}× a static page of ${SCROLL.toLocaleString('en')} lines (${formatFrames(staticFrames)}); 60 wheel notches of 400 px in 3 s, topmost bubble afterwards: "${(shown ?? '').slice(0, 24)}…"`,
    );
  } finally {
    for (const person of people) await person.quit().catch(() => undefined);
    baseline.server.close();
    await relay.close();
  }
}

await main();
