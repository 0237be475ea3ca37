import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, assertChromium } from './support/chromium.js';
import { E2eePage } from './support/e2ee-page.js';

/*
 * End-to-end encrypted call frames in Chromium: Alice's fake camera goes, encrypted by the frame worker,
 * over loopback peer connections to Bob (all her keys), Carol (none) and Dave (only her first key: he left
 * before she rotated). Counts of frames, never time, decide every wait.
 */

interface Drops {
  noKey: number;
  unknownKey: number;
  failed: number;
  replayed: number;
  unsupported: number;
}
interface Stats {
  role: string;
  passed: number;
  dropped: Drops;
  keyIds: number[];
}
type Who = 'alice' | 'bob' | 'carol' | 'dave';

let server: E2eePage;
let browser: Browser;

test.beforeAll(async () => {
  assertChromium();
  server = await E2eePage.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const decoded = (page: Page) =>
  page.evaluate(() =>
    (
      globalThis as unknown as { e2eeLoopback: { framesDecoded(): Promise<Record<string, number>> } }
    ).e2eeLoopback.framesDecoded(),
  );
const stats = async (page: Page, who: Who): Promise<Stats> => {
  const all = await page.evaluate(() =>
    (
      globalThis as unknown as { e2eeLoopback: { stats(): Promise<Record<string, Stats[]>> } }
    ).e2eeLoopback.stats(),
  );
  const [first, ...rest] = all[who] ?? [];
  if (first === undefined)
    return {
      role: '',
      passed: 0,
      dropped: { noKey: 0, unknownKey: 0, failed: 0, replayed: 0, unsupported: 0 },
      keyIds: [],
    };
  // Alice has one sender transform per connection: add them up.
  return rest.reduce(
    (sum, next) => ({
      ...sum,
      passed: sum.passed + next.passed,
      keyIds: [...new Set([...sum.keyIds, ...next.keyIds])],
    }),
    first,
  );
};

for (const mode of ['script-transform', 'encoded-streams'] as const) {
  test(`frames are decoded only with the sender's key, and not with an old one after rotation (${mode})`, async () => {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
    const available = await page.evaluate((wanted) => {
      const loopback = (globalThis as unknown as { e2eeLoopback: Record<string, () => boolean> })
        .e2eeLoopback;
      return wanted === 'script-transform' ? loopback.hasScriptTransform!() : loopback.hasEncodedStreams!();
    }, mode);
    expect(available, `${mode} in this Chromium`).toBe(true);
    const { firstKeyId } = await page.evaluate(
      (wanted) =>
        (
          globalThis as unknown as { e2eeLoopback: { start(mode: string): Promise<{ firstKeyId: number }> } }
        ).e2eeLoopback.start(wanted),
      mode,
    );

    // Bob and Dave hold Alice's key: their decoders get frames. Carol gets the same packets and decodes none.
    await expect.poll(async () => (await decoded(page)).bob ?? 0).toBeGreaterThan(10);
    await expect.poll(async () => (await decoded(page)).dave ?? 0).toBeGreaterThan(10);
    await expect.poll(async () => (await stats(page, 'carol')).dropped.unknownKey).toBeGreaterThan(30);
    expect((await decoded(page)).carol).toBe(0);
    expect((await stats(page, 'carol')).passed).toBe(0);

    // On the wire: every frame Alice sent went through her encryptor, and what Carol received carries the
    // encrypted-frame trailer naming Alice's key (counted as an unknown key, not as a malformed frame).
    const aliceBefore = await stats(page, 'alice');
    expect(aliceBefore.passed).toBeGreaterThan(0);
    expect(aliceBefore.dropped).toMatchObject({ noKey: 0, unsupported: 0, failed: 0 });
    expect(aliceBefore.keyIds).toEqual([firstKeyId]);
    expect((await stats(page, 'carol')).dropped.failed).toBe(0);
    expect((await stats(page, 'bob')).keyIds).toEqual([firstKeyId]);

    // Alice rotates (Dave left): Bob gets the new key, Dave does not.
    const rotated = await page.evaluate(() =>
      (globalThis as unknown as { e2eeLoopback: { rotate(): number } }).e2eeLoopback.rotate(),
    );
    await expect.poll(async () => (await stats(page, 'bob')).keyIds.at(-1)).toBe(rotated);
    const daveBefore = (await stats(page, 'dave')).dropped.unknownKey;
    await expect
      .poll(async () => (await stats(page, 'dave')).dropped.unknownKey)
      .toBeGreaterThan(daveBefore + 30);
    const [bobAfter, daveAfter] = [(await decoded(page)).bob ?? 0, (await decoded(page)).dave ?? 0];
    const daveFailures = (await stats(page, 'dave')).dropped.unknownKey;
    // Another 30 of Alice's frames later: Bob decoded more, Dave's old key decoded nothing of them.
    await expect
      .poll(async () => (await stats(page, 'dave')).dropped.unknownKey)
      .toBeGreaterThan(daveFailures + 30);
    await expect.poll(async () => (await decoded(page)).bob ?? 0).toBeGreaterThan(bobAfter);
    expect((await decoded(page)).dave).toBe(daveAfter);
    expect((await stats(page, 'dave')).passed).toBeGreaterThan(0);
    await page.close();
  });
}
