/**
 * Joining a four-person group call as people do it: the built web client in four Debian Chromiums (fake camera
 * and microphone) on a local relay with the real SFU beside it (one mediasoup worker). Alice, Bob and Carol
 * are in the group's call; Dave clicks the group header's call button. Rounds alternate between the call on
 * the mesh (the app's default for four) and on the SFU (mesh limit 0, as the SFU's scenarios set it), and
 * bare RTCPeerConnection pages in the same four browsers holding the same mesh.
 *
 * - Join: in Dave's page, from the click to the first decoded frame of every other participant's video
 *   (three inbound-rtp streams with framesDecoded > 0, read every 5 ms), and to the first of them. Between
 *   rounds everyone leaves; the three rejoin (unmeasured) before Dave's next click. The bare pages: from Dave's
 *   getUserMedia through an offer to each of the three (answers through this process) to the same frames.
 *   Medians of alternating rounds after one unmeasured round of each.
 * - CPU: every process of the four browsers (/proc utime + stime) over a window of the established call, per
 *   participant, mesh vs SFU (and the worker's own CPU) vs the bare mesh pages.
 *
 * Needs the built web client (npm run build:web) and the worker (MEDIASOUP_WORKER_BIN or
 * sfu/scripts/build-worker.sh's cache). Run inside a loopback-only namespace:
 *   unshare -rn sh -c 'ip link set lo up && npx tsx bench/calls/group-browser.ts'
 */
import { expect, type Page } from '@playwright/test';
import { recordCalls } from '../../e2e/browser/support/calls.js';
import { callScreen } from '../../e2e/browser/support/call-media.js';
import { mediasoupWorker } from '../../e2e/browser/support/call-server.js';
import { openPeople, type Person } from '../../e2e/browser/support/people.js';
import { formGroup } from '../../e2e/browser/support/group-call-setup.js';
import { conversation, onboard } from '../../e2e/browser/support/ui.js';
import { WebRelay } from '../../e2e/browser/support/web-relay.js';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line, ratio } from '../relay/lib/report.js';
import { median } from '../ui/stats.js';
import { bareJoin, bareMesh, installBareMesh, resetBareMesh, type BarePeer } from './lib/bare-mesh-page.js';
import { blankServer, childTicks, cpuOver, videosDecoded } from './lib/chromium.node.js';

const ROUNDS = Number(process.env.PARLEY_BENCH_CALL_ROUNDS ?? 5);
const CPU_WINDOW_MS = 10_000;
/** A step that takes longer than this is stuck (a bench bounds its own run). */
const STEP_MS = 120_000;
const GROUP = 'Bench club';
const NAMES = ['Alice', 'Bob', 'Carol', 'Dave'] as const;

type Route = 'mesh' | 'sfu';
interface Join {
  /** Click → first decoded frame of one other participant (ms). */
  readonly first: number;
  /** Click → first decoded frame of every other participant (ms). */
  readonly all: number;
}

/** Progress on stderr (PARLEY_BENCH_QUIET=1 silences it): where a slow or stuck run is. */
function step(text: string): void {
  if (process.env['PARLEY_BENCH_QUIET'] !== '1') console.error(`  … ${text}`);
}

async function within<T>(what: string, work: Promise<T>): Promise<T> {
  step(what);
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${STEP_MS / 1000} s`)), STEP_MS);
  });
  try {
    return await Promise.race([work, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/** The route the next join takes: the mesh (the app's default up to four) or straight to the SFU. */
async function chooseRoute(pages: readonly Page[], route: Route): Promise<void> {
  const script =
    route === 'sfu' ? 'window.__parleyGroupCallMeshLimit = 0' : 'delete window.__parleyGroupCallMeshLimit';
  await Promise.all(pages.map((page) => page.evaluate(script)));
}

const CALL_BUTTON = 'button[aria-label="Start group call"]';

/** Alice starts the call from the group's header, Bob and Carol join from theirs; all three decode both others. */
async function threeInCall(pages: readonly Page[], route: Route): Promise<void> {
  for (const page of pages) {
    await conversation(page, GROUP).getByRole('button', { name: 'Start group call' }).click();
    // In the call before the next one joins (its hello finds this one there).
    await expect(callScreen(page).getByRole('status')).not.toHaveText('Joining…', { timeout: STEP_MS });
  }
  for (const page of pages) {
    await expect(callScreen(page)).toHaveAttribute('data-route', route, { timeout: STEP_MS });
    await within(`${route}: the three decoding each other`, page.evaluate(videosDecoded(pages.length - 1)));
  }
}

/** Dave's click on the header's call button → the first decoded frame of one, then of all three others. */
async function measuredJoin(dave: Page, route: Route): Promise<Join> {
  await expect(conversation(dave, GROUP).getByRole('button', { name: 'Start group call' })).toBeVisible();
  const join = await within(
    `${route}: Dave's join`,
    dave.evaluate<Join>(`(async () => {
      const button = document.querySelector(${JSON.stringify(CALL_BUTTON)});
      const started = performance.now();
      button.click();
      const { first, all } = await ${videosDecoded(NAMES.length - 1)};
      return { first: first - started, all: all - started };
    })()`),
  );
  // The join took the route this round is about.
  await expect(callScreen(dave)).toHaveAttribute('data-route', route);
  return join;
}

async function everyoneLeaves(pages: readonly Page[]): Promise<void> {
  step('everyone leaves');
  for (const page of [...pages].reverse()) {
    await callScreen(page).getByRole('button', { name: 'Leave call' }).click();
    await expect(callScreen(page)).toBeHidden();
  }
}

/** One app round: the three in the call on `route`, Dave's measured join; the call stays up. */
async function appRound(pages: readonly Page[], route: Route): Promise<Join> {
  const dave = pages.at(-1);
  if (dave === undefined) throw new Error('nobody to join');
  step(`${route}: the three join`);
  await chooseRoute(pages, route);
  await threeInCall(pages.slice(0, -1), route);
  return measuredJoin(dave, route);
}

/** One bare round: the three bare pages in a mesh, then Dave's bare page joins; the call stays up. */
async function bareRound(peers: readonly BarePeer[]): Promise<Join> {
  const dave = peers.at(-1);
  const three = peers.slice(0, -1);
  if (dave === undefined) throw new Error('nobody to join');
  await within('bare: the three connecting', bareMesh(three));
  for (const peer of three) await within('bare: the three decoding', peer.page.evaluate(videosDecoded(2)));
  const started: number = await dave.page.evaluate(`window.benchJoinStarted = performance.now()`);
  // Kept in the page, not awaited here: the watch runs while this process hands the offers over.
  await dave.page.evaluate(`void (window.benchJoin = ${videosDecoded(three.length)})`);
  await within('bare: Dave joining', bareJoin(dave, three));
  const { first, all } = await within('bare: Dave decoding', dave.page.evaluate<Join>('window.benchJoin'));
  return { first: first - started, all: all - started };
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const listed = (joins: readonly Join[], pick: keyof Join) =>
  joins.map((join) => join[pick].toFixed(0)).join('/');

function report(joins: Record<Route | 'bare', Join[]>, pick: keyof Join, what: string): void {
  const [mesh, sfu, bare] = [
    median(joins.mesh.map((j) => j[pick])),
    median(joins.sfu.map((j) => j[pick])),
    median(joins.bare.map((j) => j[pick])),
  ];
  line(
    `join, click → ${what}: mesh ${ms(mesh)}, SFU ${ms(sfu)} → SFU ${ratio(sfu, mesh)} the mesh; ` +
      `bare mesh pages ${ms(bare)} → mesh ${ratio(mesh, bare)}, SFU ${ratio(sfu, bare)} the bare pages ` +
      `(medians of ${joins.mesh.length} alternating rounds; mesh ${listed(joins.mesh, pick)}, ` +
      `SFU ${listed(joins.sfu, pick)}, bare ${listed(joins.bare, pick)})`,
  );
}

async function main(): Promise<void> {
  heading(
    'Joining a 4-person group call in the web client (four Chromiums, fake devices): mesh vs SFU vs bare mesh pages',
  );
  process.env['MEDIASOUP_WORKER_BIN'] ??= mediasoupWorker();
  const relay = await WebRelay.start({ callServer: 'trusting' });
  const blank = await blankServer();
  const people: Person[] = [];
  try {
    step('four people onboard and make a group');
    people.push(...(await openPeople(NAMES, relay.url)));
    for (const person of people) {
      await recordCalls(person);
      await onboard(person.page, person.name);
    }
    await formGroup(people, GROUP);
    const pages = people.map((person) => person.page);
    const bare: BarePeer[] = [];
    for (const person of people) {
      const page = await person.page.context().newPage();
      await page.goto(blank.url);
      bare.push({ name: person.name, page });
    }
    const barePages = bare.map((peer) => peer.page);
    await installBareMesh(barePages);

    const joins: Record<Route | 'bare', Join[]> = { mesh: [], sfu: [], bare: [] };
    // One of each first, unmeasured: codecs, sockets, the SFU's first room.
    for (const route of ['mesh', 'sfu'] as const) {
      await appRound(pages, route);
      await everyoneLeaves(pages);
    }
    await bareRound(bare);
    await resetBareMesh(barePages);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Each route goes first in every other round, so neither always follows the bare pages.
      const routes: Route[] = round % 2 === 0 ? ['mesh', 'sfu'] : ['sfu', 'mesh'];
      joins.bare.push(await bareRound(bare));
      await resetBareMesh(barePages);
      for (const route of routes) {
        joins[route].push(await appRound(pages, route));
        await everyoneLeaves(pages);
      }
    }
    report(joins, 'all', 'first decoded frame of every other participant (3 videos)');
    report(joins, 'first', 'first decoded frame of the first other participant');

    const profiles = people.map((person) => person.profileDir);
    const worker = () => childTicks('mediasoup-worker');
    await bareRound(bare);
    const bareCpu = await cpuOver(profiles, barePages, CPU_WINDOW_MS);
    await resetBareMesh(barePages);
    const cpu: Partial<Record<Route, Awaited<ReturnType<typeof cpuOver>>>> = {};
    for (const route of ['mesh', 'sfu'] as const) {
      await appRound(pages, route);
      cpu[route] = await cpuOver(profiles, pages, CPU_WINDOW_MS, worker);
      await everyoneLeaves(pages);
    }
    const { mesh, sfu } = cpu;
    if (mesh === undefined || sfu === undefined) throw new Error('no CPU reading');
    const each = (share: number) => `${((share * 100) / NAMES.length).toFixed(0)} %`;
    const fps = (reading: { fps: number }) =>
      `${(reading.fps / (NAMES.length * (NAMES.length - 1))).toFixed(1)} fps`;
    line(
      `CPU per participant (all four browsers' processes / 4, over ${CPU_WINDOW_MS / 1000} s): ` +
        `mesh ${each(mesh.cpu)} of a core (${fps(mesh)} per received video), SFU ${each(sfu.cpu)} (${fps(sfu)}; ` +
        `the worker ${(sfu.other * 100).toFixed(0)} % of a core for the whole call) → mesh ${ratio(mesh.cpu, sfu.cpu)} the SFU ` +
        `per second, ${ratio(mesh.cpu / mesh.fps, sfu.cpu / sfu.fps)} per decoded frame; bare mesh pages ` +
        `${each(bareCpu.cpu)} (${fps(bareCpu)}) → mesh ${ratio(mesh.cpu, bareCpu.cpu)} the bare pages`,
    );
  } finally {
    step('closing');
    for (const person of people) await person.destroy();
    blank.server.close();
    await relay.close();
  }
}

runIfMain(import.meta.url, main);
