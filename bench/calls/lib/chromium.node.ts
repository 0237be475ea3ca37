import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Page } from '@playwright/test';
import { sleep } from '../../relay/lib/main.node.js';

/*
 * What the Chromium call benches (browser-call.ts, group-browser.ts) share: in-page scripts that read the
 * page's peer connections, a blank loopback page for bare baselines, and the browsers' CPU from /proc.
 * In-page scripts are strings: tsx would wrap functions written here with helpers the page lacks.
 */

export const CLOCK_TICKS_PER_SECOND = 100;

/** The page's open peer connections: the app's (recorded by e2e support/calls.ts) or a bare page's. */
export const PCS = `(window.parleyCallTest ? window.parleyCallTest.pcs : window.benchPcs).filter((pc) => pc.connectionState !== 'closed')`;

/** Video frames decoded so far on the page's open connections. */
export const FRAMES_DECODED = `(async () => {
  let decoded = 0;
  for (const pc of ${PCS}) (await pc.getStats()).forEach((r) => {
    if (r.type === 'inbound-rtp' && r.kind === 'video') decoded += r.framesDecoded || 0;
  });
  return decoded;
})()`;

/**
 * How many remote videos have decoded a frame on the page's connected connections. Connections still
 * shaking hands are not asked: Chromium keeps the certificate stats of a connection's first getStats, and
 * asking before DTLS is up would hide the remote certificate from the call's own fingerprint check.
 */
export const VIDEOS_DECODING = `(async () => {
  let videos = 0;
  for (const pc of ${PCS}) {
    if (pc.connectionState !== 'connected') continue;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video' && (r.framesDecoded || 0) > 0) videos += 1;
    });
  }
  return videos;
})()`;

/**
 * An expression that resolves `{ first, all }`: `performance.now()` when a first remote video and when
 * `videos` remote videos had decoded a frame, read every 5 ms.
 */
export const videosDecoded = (videos: number) => `(async () => {
  let first;
  for (;;) {
    const decoding = await ${VIDEOS_DECODING};
    if (decoding > 0 && first === undefined) first = performance.now();
    if (decoding >= ${videos}) return { first, all: performance.now() };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
})()`;

/** A page with nothing on it, on a loopback origin (a secure context, so getUserMedia works). */
export async function blankServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => response.end('<!doctype html><title>bare</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

interface ProcEntry {
  readonly parent: number;
  readonly cmdline: string;
  readonly ticks: number;
}

/** Every process: parent, command line and CPU ticks (utime + stime). */
async function processTable(): Promise<Map<number, ProcEntry>> {
  const table = new Map<number, ProcEntry>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces), from field 3 on: ppid is 4, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(pid, {
      parent: Number(fields[1] ?? 0),
      cmdline,
      ticks: Number(fields[11] ?? 0) + Number(fields[12] ?? 0),
    });
  }
  return table;
}

/** CPU ticks (utime + stime) of every process of the browsers started with these profile folders. */
export async function browserTicks(profileDirs: readonly string[]): Promise<number> {
  const table = await processTable();
  const ours = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 8; at = table.get(at)?.parent ?? 0, hops++)
      if (profileDirs.some((dir) => table.get(at)?.cmdline.includes(dir))) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, { ticks: used }] of table) if (ours(pid)) ticks += used;
  return ticks;
}

/** CPU ticks of this process's children whose command line contains `name` (e.g. mediasoup's worker). */
export async function childTicks(name: string): Promise<number> {
  let ticks = 0;
  for (const { parent, cmdline, ticks: used } of (await processTable()).values())
    if (parent === process.pid && cmdline.includes(name)) ticks += used;
  return ticks;
}

/** Settling time before a CPU window: the encoders ramp up after a call starts. */
const CPU_WARMUP_MS = 3_000;

/**
 * The browsers' CPU (share of one core, every process of the browsers with these profile folders) and the
 * frames per second `pages` decoded together, over `windowMs` of an established call; `otherTicks` reads
 * another process's ticks over the same window (`other`, e.g. the SFU's worker).
 */
export async function cpuOver(
  profileDirs: readonly string[],
  pages: readonly Page[],
  windowMs: number,
  otherTicks: () => Promise<number> = async () => 0,
): Promise<{ cpu: number; fps: number; other: number }> {
  await sleep(CPU_WARMUP_MS);
  const frames = await Promise.all(pages.map((page) => page.evaluate<number>(FRAMES_DECODED)));
  const [ticks, other] = [await browserTicks(profileDirs), await otherTicks()];
  const started = performance.now();
  await sleep(windowMs);
  const used = (await browserTicks(profileDirs)) - ticks;
  const otherUsed = (await otherTicks()) - other;
  const after = await Promise.all(pages.map((page) => page.evaluate<number>(FRAMES_DECODED)));
  const seconds = (performance.now() - started) / 1000;
  const decoded = after.reduce((sum, n, i) => sum + n - (frames[i] ?? 0), 0);
  const share = (ticks: number) => ticks / CLOCK_TICKS_PER_SECOND / seconds;
  return { cpu: share(used), fps: decoded / seconds, other: share(otherUsed) };
}
