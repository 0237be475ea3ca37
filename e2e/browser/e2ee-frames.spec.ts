import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, PERMISSIONS, assertChromium } from './support/chromium.js';
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
  empty: number;
}
interface Stats {
  kind: string;
  passed: number;
  dropped: Drops;
  keyIds: number[];
  unknownKeyIds: number[];
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
/** The transforms of one person for one kind, added up (Alice has one sender per connection). */
const stats = async (page: Page, who: Who, kind: 'audio' | 'video' = 'video'): Promise<Stats> => {
  const all = await page.evaluate(() =>
    (
      globalThis as unknown as { e2eeLoopback: { stats(): Promise<Record<string, Stats[]>> } }
    ).e2eeLoopback.stats(),
  );
  const sum: Stats = {
    kind,
    passed: 0,
    dropped: { noKey: 0, unknownKey: 0, failed: 0, replayed: 0, unsupported: 0, empty: 0 },
    keyIds: [],
    unknownKeyIds: [],
  };
  for (const one of (all[who] ?? []).filter((transform) => transform.kind === kind)) {
    sum.passed += one.passed;
    for (const reason of Object.keys(sum.dropped) as (keyof Drops)[])
      sum.dropped[reason] += one.dropped[reason];
    sum.keyIds = [...new Set([...sum.keyIds, ...one.keyIds])];
    sum.unknownKeyIds = [...new Set([...sum.unknownKeyIds, ...one.unknownKeyIds])];
  }
  return sum;
};

for (const mode of ['script-transform', 'encoded-streams'] as const) {
  test(`frames are decoded only with the sender's key, and not with an old one after rotation (${mode})`, async () => {
    const page = await browser.newPage({ permissions: PERMISSIONS });
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
    expect(aliceBefore.dropped).toMatchObject({ unsupported: 0, failed: 0 });
    expect(aliceBefore.keyIds).toEqual([firstKeyId]);
    expect((await stats(page, 'carol')).dropped.failed).toBe(0);
    expect((await stats(page, 'carol')).unknownKeyIds).toEqual([firstKeyId]);
    expect((await stats(page, 'bob')).keyIds).toEqual([firstKeyId]);

    // Audio (Opus) the same way: Bob's receiver decrypts every frame, Carol's none.
    await expect.poll(async () => (await stats(page, 'bob', 'audio')).passed).toBeGreaterThan(30);
    await expect
      .poll(async () => (await stats(page, 'carol', 'audio')).dropped.unknownKey)
      .toBeGreaterThan(30);
    expect((await stats(page, 'bob', 'audio')).dropped).toMatchObject({
      unknownKey: 0,
      failed: 0,
      replayed: 0,
    });
    expect(await stats(page, 'carol', 'audio')).toMatchObject({ passed: 0, unknownKeyIds: [firstKeyId] });
    expect((await stats(page, 'alice', 'audio')).dropped).toMatchObject({ unsupported: 0, failed: 0 });

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
    expect((await stats(page, 'dave')).unknownKeyIds).toEqual([rotated]);
    await page.close();
  });
}

for (const side of ['receiver', 'sender'] as const) {
  test(`a ${side} whose transform Chromium left unattached gets a fresh one, and Bob decodes`, async () => {
    const page = await browser.newPage({ permissions: PERMISSIONS });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
    // The first transforms of Bob's receivers (or of Alice's senders to Bob) are lost: the page puts a
    // never-reading one over each, as the race leaves them. Nothing decodes until the watch replaces ours.
    await page.evaluate(
      (lostSide) =>
        (
          globalThis as unknown as {
            e2eeLoopback: { start(mode: string, lost: { who: string; side: string }): Promise<unknown> };
          }
        ).e2eeLoopback.start('script-transform', { who: 'bob', side: lostSide }),
      side,
    );
    await expect.poll(async () => (await decoded(page)).bob ?? 0, { timeout: 60_000 }).toBeGreaterThan(10);
    await expect.poll(async () => (await stats(page, 'bob', 'audio')).passed).toBeGreaterThan(30);
    expect((await stats(page, 'bob')).dropped).toMatchObject({ unknownKey: 0, failed: 0 });
    // Dave's were never lost: he decodes as ever.
    await expect.poll(async () => (await decoded(page)).dave ?? 0).toBeGreaterThan(10);
    await page.close();
  });
}

test('no receiver’s stats are read before its connection’s DTLS is up, so a mesh pair’s certificate check can pass', async () => {
  const page = await browser.newPage({ permissions: PERMISSIONS });
  page.on('pageerror', (error) => console.error('page error:', error.message));
  // Chromium keeps a connection's certificate stats from its first getStats until the next negotiation: a read
  // while DTLS shakes hands left mesh pairs unable to verify the sealed SDP's certificate, and given up. Every
  // read of a receiver's stats is recorded with its DTLS transport's state at that moment.
  await page.addInitScript(() => {
    const states: string[] = [];
    Object.defineProperty(globalThis, '__receiverStatsStates', { value: states });
    const original = RTCRtpReceiver.prototype.getStats;
    RTCRtpReceiver.prototype.getStats = function (this: RTCRtpReceiver) {
      states.push(this.transport?.state ?? 'none');
      return original.call(this);
    };
  });
  await page.goto(server.url);
  // Each answer is held 2.5 s, as a loaded relay holds it: the receivers' transforms are on, and watched,
  // long before DTLS can start.
  await page.evaluate(() =>
    (
      globalThis as unknown as {
        e2eeLoopback: { start(mode: string, lost: undefined, holdAnswerMs: number): Promise<unknown> };
      }
    ).e2eeLoopback.start('script-transform', undefined, 2_500),
  );
  await expect.poll(async () => (await decoded(page)).bob ?? 0, { timeout: 60_000 }).toBeGreaterThan(10);
  const states = await page.evaluate(
    () => (globalThis as unknown as { __receiverStatsStates: string[] }).__receiverStatsStates,
  );
  expect(states.filter((state) => state !== 'connected')).toEqual([]);
  await page.close();
});
