/**
 * What the web client's attachment worker takes off the thread that draws the screen: Alice sends Bob one file
 * over the direct link between two Chromiums, in two layouts alternating in the same run: `worker` (the client
 * as shipped: files sealed and opened on its Web Worker) and `inline` (both ends' attachment crypto on the
 * page's own thread, `parleyTestOptions.attachmentCryptoInline`, as before the worker). Each layout is a pair
 * of its own (the option is read at load), onboarded once. Per round, on both pages, from the click on Send to
 * Bob's "Save" control: the main thread's busy time (CDP Performance.getMetrics TaskDuration and
 * ScriptDuration deltas), the CPU of the renderer's main thread and of its dedicated workers (/proc schedstat),
 * long tasks (a PerformanceObserver for 'longtask', i.e. > 50 ms), and the wall time.
 * Run by hand after `npm run build:web`, inside a loopback-only namespace:
 *   unshare -rn sh -c 'ip link set lo up && npx tsx bench/ui/send-thread.ts'
 * PARLEY_BENCH_FILE_MB sets the size (default 64), PARLEY_BENCH_ROUNDS the rounds per layout (default 3).
 * Nothing here asserts a number.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import { openPeople, type OpenPeople, type Person } from '../../e2e/browser/support/people.js';
import { attach, messages, openDirectLink, twoContacts } from '../../e2e/browser/support/files-and-pairs.js';
import type { ParleyTestOptions } from '../../e2e/browser/support/test-options.js';
import { WebRelay } from '../../e2e/browser/support/web-relay.js';
import { bigFile } from './payload.js';
import { renderersOf, threadCpuNs } from './processes.js';
import { median } from './stats.js';

const SIZE_MB = Number(process.env.PARLEY_BENCH_FILE_MB ?? 64);
const ROUNDS = Number(process.env.PARLEY_BENCH_ROUNDS ?? 3);
const LAYOUTS = ['worker', 'inline'] as const;
type Layout = (typeof LAYOUTS)[number];

/** One page's main thread over one transfer. */
interface Thread {
  readonly taskMs: number;
  readonly scriptMs: number;
  readonly longTasks: number;
  readonly longestMs: number;
  /**
   * CPU time of the renderer's main thread and of its dedicated workers (the crypto worker; on the receiver also
   * the OPFS sink's worker), from /proc: TaskDuration is wall time, which counts a task's waits for a core too.
   */
  readonly mainCpuMs: number;
  readonly workerCpuMs: number;
}

interface Round {
  readonly layout: Layout;
  readonly seconds: number;
  readonly sender: Thread;
  readonly receiver: Thread;
}

/** A page with CDP metrics on and a long-task observer installed at load (a string: tsx would wrap a function). */
class Probe {
  private constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly renderers: readonly number[],
  ) {}

  static async of(person: Person): Promise<Probe> {
    const cdp = await person.page.context().newCDPSession(person.page);
    await cdp.send('Performance.enable');
    return new Probe(person.page, cdp, await renderersOf(person.profileDir));
  }

  /** CPU time so far of every thread of this person's renderers, by thread name (ms). */
  async threads(): Promise<Map<string, number>> {
    const total = new Map<string, number>();
    for (const pid of this.renderers)
      for (const [name, ns] of await threadCpuNs(pid)) total.set(name, (total.get(name) ?? 0) + ns / 1e6);
    return total;
  }

  async metrics(): Promise<{ task: number; script: number }> {
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const value = (name: string) => (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
    return { task: value('TaskDuration'), script: value('ScriptDuration') };
  }

  /** The long tasks seen since the last call (durations in ms), and forgets them. */
  async takeLongTasks(): Promise<number[]> {
    return this.page.evaluate<number[]>('window.__benchLongTasks.splice(0)');
  }
}

function initScript(layout: Layout): string {
  const options: ParleyTestOptions = layout === 'inline' ? { attachmentCryptoInline: true } : {};
  return `window.parleyTestOptions = ${JSON.stringify(options)};
    window.__benchLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__benchLongTasks.push(entry.duration);
    }).observe({ type: 'longtask' });`;
}

interface Pair {
  readonly layout: Layout;
  readonly alice: Probe;
  readonly bob: Probe;
}

/** Alice and Bob in `layout`, contacts with the direct link open and each other's chat shown. */
async function openPair(relay: WebRelay, layout: Layout, people: Person[]): Promise<Pair> {
  const opened: OpenPeople = async (...names) => {
    const persons = await openPeople(names, relay.url);
    people.push(...persons);
    return persons;
  };
  const { alice, bob } = await twoContacts(opened, async (person) => {
    await person.page.context().addInitScript({ content: initScript(layout) });
    await person.page.reload();
  });
  await openDirectLink(alice, bob, [`${layout}: hello`, 'hi']);
  return { layout, alice: await Probe.of(alice), bob: await Probe.of(bob) };
}

/** Whether this page started the attachment crypto worker: checks each layout is what it says. */
function hasCryptoWorker(page: Page): boolean {
  return page.workers().some((worker) => worker.url().includes('attachment-worker'));
}

async function sendOnce(pair: Pair, source: string, name: string): Promise<Round> {
  const file = join(source, '..', name);
  await copyFile(source, file);
  await attach(pair.alice.page, [file]);
  const send = pair.alice.page
    .getByRole('dialog', { name: 'Send file' })
    .getByRole('button', { name: 'Send' });
  const save = messages(pair.bob.page).getByRole('button', { name: `Save ${name}` });
  await pair.alice.takeLongTasks();
  await pair.bob.takeLongTasks();
  const before = [await pair.alice.metrics(), await pair.bob.metrics()] as const;
  const threadsBefore = [await pair.alice.threads(), await pair.bob.threads()] as const;
  const started = performance.now();
  await send.click();
  // Polled from here every 100 ms rather than by a waiting selector, which would run in Bob's page each frame.
  while (!(await save.isVisible())) {
    if (performance.now() - started > 30 * 60_000) throw new Error(`${name}: no file after 30 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  const after = [await pair.alice.metrics(), await pair.bob.metrics()] as const;
  const threadsAfter = [await pair.alice.threads(), await pair.bob.threads()] as const;
  const thread = async (probe: Probe, index: 0 | 1): Promise<Thread> => {
    const longTasks = await probe.takeLongTasks();
    const cpu = (named: (name: string) => boolean) =>
      [...threadsAfter[index]]
        .filter(([name]) => named(name))
        .reduce((sum, [name, value]) => sum + value - (threadsBefore[index].get(name) ?? 0), 0);
    if (process.env.PARLEY_BENCH_THREADS === '1')
      console.log(
        [...threadsAfter[index]]
          .map(([name, value]) => `${name} ${(value - (threadsBefore[index].get(name) ?? 0)).toFixed(0)}`)
          .join(', '),
      );
    return {
      // The renderer's main thread keeps the process's name.
      mainCpuMs: cpu((name) => name === 'chromium'),
      workerCpuMs: cpu((name) => name.startsWith('DedicatedWorker')),
      taskMs: after[index].task - before[index].task,
      scriptMs: after[index].script - before[index].script,
      longTasks: longTasks.length,
      longestMs: Math.max(0, ...longTasks),
    };
  };
  const round = {
    layout: pair.layout,
    seconds,
    sender: await thread(pair.alice, 0),
    receiver: await thread(pair.bob, 1),
  };
  for (const page of [pair.alice.page, pair.bob.page])
    if (hasCryptoWorker(page) !== (pair.layout === 'worker'))
      throw new Error(
        `${pair.layout}: the attachment worker is ${hasCryptoWorker(page) ? '' : 'not '}running`,
      );
  await rm(file);
  return round;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const perMib = (value: number) => `${(value / SIZE_MB).toFixed(2)} ms/MiB`;

function describe(thread: Thread): string {
  return `task ${ms(thread.taskMs)} (${perMib(thread.taskMs)}), CPU ${ms(thread.mainCpuMs)} (workers ${ms(thread.workerCpuMs)}), script ${ms(thread.scriptMs)}, long tasks ${thread.longTasks} (longest ${ms(thread.longestMs)})`;
}

function summary(rounds: readonly Round[]): void {
  const of = (layout: Layout) => rounds.filter((round) => round.layout === layout);
  const stat = (layout: Layout, pick: (round: Round) => number) => {
    const values = of(layout).map(pick);
    return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
  };
  const row = (label: string, pick: (round: Round) => number, unit: (value: number) => string) => {
    const worker = stat('worker', pick);
    const inline = stat('inline', pick);
    const ratio = inline.median === 0 ? '—' : `${(worker.median / inline.median).toFixed(2)}×`;
    console.log(
      `  ${label}: worker ${unit(worker.median)} (${unit(worker.min)}–${unit(worker.max)}), inline ${unit(inline.median)} (${unit(inline.min)}–${unit(inline.max)}); worker/inline ${ratio}`,
    );
  };
  const count = (value: number) => value.toFixed(0);
  console.log(`\nMedians over ${ROUNDS} rounds per layout (range in brackets), ${SIZE_MB} MiB per round:`);
  const share = (value: number) => `${(value * 100).toFixed(0)}%`;
  for (const end of ['sender', 'receiver'] as const) {
    row(`${end} main thread, task`, (round) => round[end].taskMs, perMib);
    row(
      `${end} main thread busy, share of the wall time`,
      (round) => round[end].taskMs / (round.seconds * 1000),
      share,
    );
    row(`${end} main thread CPU`, (round) => round[end].mainCpuMs, perMib);
    row(`${end} dedicated workers CPU`, (round) => round[end].workerCpuMs, perMib);
    row(`${end} main thread, script`, (round) => round[end].scriptMs, perMib);
    row(`${end} long tasks (> 50 ms)`, (round) => round[end].longTasks, count);
    row(`${end} longest task`, (round) => round[end].longestMs, ms);
  }
  row(
    'transfer',
    (round) => SIZE_MB / round.seconds,
    (value) => `${value.toFixed(1)} MiB/s`,
  );
}

async function main(): Promise<void> {
  const relay = await WebRelay.start();
  const dir = join(tmpdir(), `parley-send-thread-${process.pid}`);
  const people: Person[] = [];
  try {
    await mkdir(dir, { recursive: true });
    const source = join(dir, 'source.bin');
    await bigFile(source, SIZE_MB);
    const pairs = new Map<Layout, Pair>();
    for (const layout of LAYOUTS) pairs.set(layout, await openPair(relay, layout, people));
    console.log(
      `${SIZE_MB} MiB Alice → Bob over the direct link, Chromium to Chromium on loopback, ${ROUNDS} rounds per layout`,
    );
    const rounds: Round[] = [];
    for (let index = 0; index < ROUNDS; index++) {
      // Alternate which layout goes first, so a drift in the machine's load falls on both.
      const order = index % 2 === 0 ? LAYOUTS : [...LAYOUTS].reverse();
      for (const layout of order) {
        const pair = pairs.get(layout);
        if (pair === undefined) throw new Error(`no pair for ${layout}`);
        const round = await sendOnce(pair, source, `${layout}-${index + 1}.bin`);
        rounds.push(round);
        console.log(
          `${layout} round ${index + 1}: ${round.seconds.toFixed(1)} s (${(SIZE_MB / round.seconds).toFixed(1)} MiB/s)\n` +
            `  sender   ${describe(round.sender)}\n  receiver ${describe(round.receiver)}`,
        );
      }
    }
    summary(rounds);
  } finally {
    for (const person of people) await person.destroy();
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
