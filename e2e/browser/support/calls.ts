import { expect, type Page } from '@playwright/test';
import type { OpenPeople, Person } from './people.js';
import { twoContacts } from './files-and-pairs.js';
import { openChat } from './ui.js';
import { setTestOptions } from './test-options.js';

/*
 * What a call scenario reads from inside the page, recorded by a script that runs before the web client:
 * every RTCPeerConnection (for getStats), every track getUserMedia/getDisplayMedia handed out (to check
 * they all end), every AudioContext (the ringtone's), and every system notification shown. Written as a
 * string: tsx would wrap a function written here with helpers the page lacks.
 */
const RECORDER = `(() => {
  const seen = { pcs: [], tracks: [], audioContexts: [], notifications: [] };
  window.parleyCallTest = seen;
  const Peer = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Peer {
    constructor(...args) { super(...args); seen.pcs.push(this); }
  };
  const devices = navigator.mediaDevices;
  for (const name of ['getUserMedia', 'getDisplayMedia']) {
    const original = devices[name] && devices[name].bind(devices);
    if (original === undefined) continue;
    devices[name] = async (...args) => {
      const stream = await original(...args);
      seen.tracks.push(...stream.getTracks());
      return stream;
    };
  }
  const Context = window.AudioContext;
  window.AudioContext = class extends Context {
    constructor(...args) { super(...args); seen.audioContexts.push(this); }
  };
  window.Notification = class {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { this.title = title; this.body = options && options.body; this.closed = false; seen.notifications.push(this); }
    close() { this.closed = true; }
  };
})();`;

/** Records calls' peer connections, tracks, ringtones and notifications; `ringMs` shortens ringing. */
export async function recordCalls(person: Person, options: { ringMs?: number } = {}): Promise<void> {
  const context = person.page.context();
  await context.addInitScript(RECORDER);
  if (options.ringMs !== undefined) await setTestOptions(context, { callRingMs: options.ringMs });
  await person.page.reload();
}

/** Alice and Bob, recorded, onboarded, contacts of each other, each with the other's chat open. */
export async function callingPair(
  people: OpenPeople,
  options: { ringMs?: number } = {},
): Promise<{ alice: Person; bob: Person }> {
  const pair = await twoContacts(people, (person) => recordCalls(person, options));
  await openChat(pair.alice.page, 'Bob');
  await openChat(pair.bob.page, 'Alice');
  return pair;
}

export interface MediaCounters {
  /** Video frames decoded, summed over the page's calls. */
  readonly framesDecoded: number;
  readonly totalSamplesReceived: number;
  /** Width of the last decoded remote frame. */
  readonly frameWidth: number;
}

/** What the page's open peer connections have received, from getStats's inbound-rtp reports. */
export async function received(page: Page): Promise<MediaCounters> {
  return page.evaluate(`(async () => {
    let framesDecoded = 0, totalSamplesReceived = 0, frameWidth = 0;
    for (const pc of window.parleyCallTest.pcs) {
      // Chromium keeps the certificate stats of a connection's first getStats: asking before DTLS is up
      // would hide the remote certificate from the call's own fingerprint check.
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      stats.forEach((report) => {
        if (report.type !== 'inbound-rtp') return;
        if (report.kind === 'video') {
          framesDecoded += report.framesDecoded || 0;
          if (report.frameWidth) frameWidth = report.frameWidth;
        }
        if (report.kind === 'audio') totalSamplesReceived += report.totalSamplesReceived || 0;
      });
    }
    return { framesDecoded, totalSamplesReceived, frameWidth };
  })()`);
}

/** Waits until `pick` of what the page received has grown (media keeps flowing). */
export async function expectGrowing(page: Page, pick: (counters: MediaCounters) => number): Promise<void> {
  const before = pick(await received(page));
  await expect.poll(async () => pick(await received(page)), { timeout: 30_000 }).toBeGreaterThan(before);
}

/** Every track the page's getUserMedia/getDisplayMedia handed out: kind and readyState. */
export async function localTracks(page: Page): Promise<{ kind: string; readyState: string }[]> {
  return page.evaluate(
    `window.parleyCallTest.tracks.map((track) => ({ kind: track.kind, readyState: track.readyState }))`,
  );
}

/** The states of the page's AudioContexts (the ringtone closes its own when it stops). */
export async function audioContexts(page: Page): Promise<string[]> {
  return page.evaluate(`window.parleyCallTest.audioContexts.map((context) => context.state)`);
}

export async function notifications(page: Page): Promise<{ title: string; body: string; closed: boolean }[]> {
  return page.evaluate(
    `window.parleyCallTest.notifications.map((n) => ({ title: n.title, body: n.body, closed: n.closed }))`,
  );
}

export function callScreen(page: Page, name: RegExp | string) {
  return page.getByRole('dialog', { name });
}

/** A call-log line in the open conversation, by its words (a button: clicking it calls back). */
export function callLine(page: Page, text: string) {
  return page.getByRole('button', { name: `Call back: ${text}`, exact: true });
}

/** Alice video-calls Bob from their open chat and Bob accepts with video (the call may still be connecting). */
export async function videoCallAccepted({ alice, bob }: { alice: Person; bob: Person }): Promise<void> {
  await alice.page.getByRole('button', { name: 'Video call', exact: true }).click();
  await callScreen(bob.page, 'Incoming video call from Alice')
    .getByRole('button', { name: 'Accept with video' })
    .click();
}

/** After Alice's answered call to Bob ended: the call-log line with its duration on both sides. */
export async function expectAnsweredLines(
  { alice, bob }: { alice: Person; bob: Person },
  kind: 'voice' | 'video',
): Promise<void> {
  await expect(
    alice.page.getByRole('button', {
      name: new RegExp(`^Call back: Outgoing ${kind} call · \\d+:\\d\\d$`, 'u'),
    }),
  ).toBeVisible();
  await expect(
    bob.page.getByRole('button', {
      name: new RegExp(`^Call back: Incoming ${kind} call · \\d+:\\d\\d$`, 'u'),
    }),
  ).toBeVisible();
}
