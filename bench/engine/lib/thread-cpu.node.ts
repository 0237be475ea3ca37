import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * CPU time (ms, in 10 ms ticks) of this process's threads by name: where a bench process's CPU goes. `main` is
 * the JavaScript thread; `node` are V8's helpers (concurrent marking, sweeping, optimising compiles);
 * `PeerConnectionF…` is libwebrtc's network thread (SCTP, DTLS, sockets).
 */
export function threadCpu(): Map<string, number> {
  const tick = 10; // USER_HZ on Linux
  const byName = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name =
        Number(tid) === process.pid
          ? 'main'
          : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '#');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * tick;
      byName.set(name, (byName.get(name) ?? 0) + ms);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

/** Each thread's CPU since `before` (a `threadCpu()`), busiest first, as text. */
export function threadDelta(before: Map<string, number>): string {
  const after = threadCpu();
  return [...after]
    .map(([name, ms]) => [name, ms - (before.get(name) ?? 0)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ');
}

/**
 * A V8 CPU profile of chosen stretches of this process (one bench round each), written to `dir` as
 * `<prefix>-<n>.cpuprofile`, with each stretch's CPU per thread on stderr. Without a `dir`, and with `threads`,
 * only the per-thread CPU.
 */
export class RoundProfiler {
  readonly #dir: string | undefined;
  readonly #threads: boolean;
  readonly #inspector: Session | undefined;
  #started: Map<string, number> | undefined;
  #startedAt = 0n;
  #count = 0;

  constructor(options: { dir?: string | undefined; threads?: boolean }) {
    this.#dir = options.dir;
    this.#threads = options.threads === true || options.dir !== undefined;
    this.#inspector = options.dir === undefined ? undefined : new Session();
    this.#inspector?.connect();
  }

  get enabled(): boolean {
    return this.#threads;
  }

  async start(): Promise<void> {
    if (!this.#threads) return;
    this.#started = threadCpu();
    this.#startedAt = process.hrtime.bigint();
    if (this.#inspector === undefined) return;
    await this.#inspector.post('Profiler.enable');
    await this.#inspector.post('Profiler.setSamplingInterval', { interval: 100 });
    await this.#inspector.post('Profiler.start');
  }

  async stop(label: string, prefix = 'round'): Promise<void> {
    if (this.#started === undefined) return;
    // CLOCK_MONOTONIC seconds, to cut a `perf record -k mono` profile to this stretch (perf report --time).
    const seconds = (ns: bigint) => (Number(ns / 1000n) / 1e6).toFixed(6);
    console.error(
      `${label} [${seconds(this.#startedAt)},${seconds(process.hrtime.bigint())}]: ${threadDelta(this.#started)}`,
    );
    this.#started = undefined;
    if (this.#inspector === undefined || this.#dir === undefined) return;
    const { profile } = await this.#inspector.post('Profiler.stop');
    this.#count += 1;
    writeFileSync(`${this.#dir}/${prefix}-${this.#count}.cpuprofile`, JSON.stringify(profile));
  }
}
