/**
 * A 1:1 video call as people make it: the web client in two Chromiums (Debian's, fake camera and microphone)
 * on a local relay, Alice clicking "Video call" and Bob's page accepting with video the moment the incoming
 * screen appears. Against bare RTCPeerConnection pages in the same two browsers and run: getUserMedia, offer
 * and answer handed over through this process (candidates gathered first, as one message each way), the
 * remote video and audio and one's own camera shown in plain elements, as the app shows them.
 *
 * - Set-up: in Alice's page, from the click (the bare page: `createOffer()`) to the first decoded remote video
 *   frame (inbound-rtp framesDecoded > 0, read every 5 ms in both variants). Median of alternating rounds.
 * - CPU: both browsers' processes (renderers, GPU, network and utility processes: /proc utime + stime) over a
 *   window of an established call, per second, and per decoded frame (the encoders adapt to the CPU they get).
 *
 * Needs the built web client (npm run build:web). Run inside a loopback-only namespace:
 *   unshare -rn sh -c 'ip link set lo up && npx tsx bench/calls/browser-call.ts'
 */
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { recordCalls, callScreen } from '../../e2e/browser/support/calls.js';
import { twoContacts } from '../../e2e/browser/support/files-and-pairs.js';
import { openPeople, type Person } from '../../e2e/browser/support/people.js';
import { openChat } from '../../e2e/browser/support/ui.js';
import { WebRelay } from '../../e2e/browser/support/web-relay.js';
import { runIfMain } from '../relay/lib/main.node.js';
import { heading, line, ratio } from '../relay/lib/report.js';
import { median } from '../ui/stats.js';
import { blankServer, cpuOver, FRAMES_DECODED } from './lib/chromium.node.js';

const ROUNDS = Number(process.env.PARLEY_BENCH_CALL_ROUNDS ?? 5);
const CPU_WINDOW_MS = 10_000;

// In-page scripts are strings: tsx would wrap functions written here with helpers the page lacks.
/** Resolves `performance.now()` once a first remote video frame was decoded. */
const FIRST_FRAME = `(async () => {
  for (;;) {
    if ((await ${FRAMES_DECODED}) > 0) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
})()`;
/** Bob's page answers with video as soon as the incoming-call screen shows, as fast as a script can. */
const AUTO_ACCEPT = `new MutationObserver(() => {
  const button = document.querySelector('button[aria-label="Accept with video"]');
  if (button && !button.dataset.benchClicked) { button.dataset.benchClicked = '1'; button.click(); }
}).observe(document.body, { subtree: true, childList: true })`;

/** One app call: click → first decoded frame at Alice (ms, Alice's clock). The call stays up. */
async function appCall(alice: Page): Promise<number> {
  return alice.evaluate(`(async () => {
    const started = performance.now();
    document.querySelector('button[aria-label="Video call"]').click();
    return (await ${FIRST_FRAME}) - started;
  })()`);
}

async function hangUp(alice: Page, bob: Page): Promise<void> {
  await callScreen(alice, 'Call with Bob').getByRole('button', { name: 'Hang up' }).click();
  await expect(callScreen(bob, 'Call with Alice').getByLabel('Call status')).toHaveText('Call ended');
  // The ended screen closes itself after a moment; Close dismisses it sooner.
  for (const [page, peer] of [
    [alice, 'Bob'],
    [bob, 'Alice'],
  ] as const) {
    const screen = callScreen(page, `Call with ${peer}`);
    await screen
      .getByRole('button', { name: 'Close' })
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    await expect(screen).toBeHidden();
  }
}

const BARE_SETUP = `(async () => {
  window.benchPcs = window.benchPcs || [];
  for (const pc of window.benchPcs) pc.close();
  if (window.benchStream) for (const track of window.benchStream.getTracks()) track.stop();
  window.benchStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  window.benchPcs.push(pc);
  window.benchPc = pc;
  for (const track of window.benchStream.getTracks()) pc.addTrack(track, window.benchStream);
  // Shown as a call page shows them: the remote video large, one's own camera small, the remote audio played.
  const element = (tag) => document.querySelector(tag + '.bench') || document.body.appendChild(Object.assign(document.createElement(tag), { className: 'bench', autoplay: true, muted: tag === 'video' }));
  const self = document.querySelector('video.self') || document.body.appendChild(Object.assign(document.createElement('video'), { className: 'self', autoplay: true, muted: true, width: 160 }));
  self.srcObject = window.benchStream;
  pc.ontrack = ({ track }) => { element(track.kind === 'video' ? 'video' : 'audio').srcObject = new MediaStream([track]); };
})()`;
/** Sets `description` (if any), makes the offer or answer, and returns it once ICE gathering is complete. */
const bareDescribe = (kind: 'offer' | 'answer', remote?: string) => `(async () => {
  const pc = window.benchPc;
  ${remote === undefined ? '' : `await pc.setRemoteDescription(${remote});`}
  const gathered = new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  await pc.setLocalDescription(await pc.${kind === 'offer' ? 'createOffer' : 'createAnswer'}());
  if (pc.iceGatheringState !== 'complete') await gathered;
  return JSON.stringify(pc.localDescription);
})()`;

/** One bare call: createOffer → first decoded frame at A (ms, A's clock). The call stays up. */
async function bareCall(a: Page, b: Page): Promise<number> {
  await Promise.all([a.evaluate(BARE_SETUP), b.evaluate(BARE_SETUP)]);
  const started: number = await a.evaluate('performance.now()');
  const offer: string = await a.evaluate(bareDescribe('offer'));
  const answer: string = await b.evaluate(bareDescribe('answer', offer));
  await a.evaluate(`window.benchPc.setRemoteDescription(${answer})`);
  return (await a.evaluate<number>(FIRST_FRAME)) - started;
}

async function main(): Promise<void> {
  heading(
    '1:1 video call in the web client (two Chromiums, fake devices) against bare RTCPeerConnection pages',
  );
  const relay = await WebRelay.start();
  const blank = await blankServer();
  const people: Person[] = [];
  try {
    const { alice, bob } = await twoContacts(async (...names) => {
      const opened = await openPeople(names, relay.url);
      people.push(...opened);
      return opened;
    }, recordCalls);
    await openChat(alice.page, 'Bob');
    await openChat(bob.page, 'Alice');
    await bob.page.evaluate(AUTO_ACCEPT);
    const bareA = await alice.page.context().newPage();
    const bareB = await bob.page.context().newPage();
    for (const page of [bareA, bareB]) await page.goto(blank.url);
    const closeBare = () => Promise.all([bareA, bareB].map((page) => page.evaluate(BARE_SETUP)));
    const app: number[] = [];
    const bare: number[] = [];
    // One of each first, unmeasured: codec and socket warm-up.
    await appCall(alice.page);
    await hangUp(alice.page, bob.page);
    await bareCall(bareA, bareB);
    for (let round = 0; round < ROUNDS; round += 1) {
      bare.push(await bareCall(bareA, bareB));
      await closeBare();
      app.push(await appCall(alice.page));
      await hangUp(alice.page, bob.page);
    }
    const [appMs, bareMs] = [median(app), median(bare)];
    line(
      `set-up, click → first decoded remote frame: app ${appMs.toFixed(0)} ms, bare pages ${bareMs.toFixed(0)} ms ` +
        `→ ${ratio(appMs, bareMs)} the bare pages (medians of ${ROUNDS} alternating rounds; ` +
        `app ${app.map((ms) => ms.toFixed(0)).join('/')}, bare ${bare.map((ms) => ms.toFixed(0)).join('/')})`,
    );

    const profiles = [alice.profileDir, bob.profileDir];
    await bareCall(bareA, bareB);
    const bareCpu = await cpuOver(profiles, [bareA, bareB], CPU_WINDOW_MS);
    await closeBare();
    await appCall(alice.page);
    const appCpu = await cpuOver(profiles, [alice.page, bob.page], CPU_WINDOW_MS);
    await hangUp(alice.page, bob.page);
    const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
    line(
      `CPU of one call, both browsers: app ${pct(appCpu.cpu)} of a core (${appCpu.fps.toFixed(0)} frames/s decoded, ` +
        `both sides), bare pages ${pct(bareCpu.cpu)} (${bareCpu.fps.toFixed(0)} frames/s) → ` +
        `${ratio(appCpu.cpu, bareCpu.cpu)} per second, ` +
        `${ratio(appCpu.cpu / appCpu.fps, bareCpu.cpu / bareCpu.fps)} per decoded frame, over ${CPU_WINDOW_MS / 1000} s`,
    );
  } finally {
    for (const person of people) await person.destroy();
    blank.server.close();
    await relay.close();
  }
}

runIfMain(import.meta.url, main);
