import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { receiverLaunch } from './pinning.node.js';

/** Parent → receiver process. */
export type RemoteRequest =
  | { type: 'start'; relayUrl: string }
  | { type: 'add-contact'; contactLink: string }
  | { type: 'raw-open' }
  | { type: 'raw-signal'; data: unknown }
  | { type: 'raw-expect'; bytes: number }
  | { type: 'cpu' }
  /** A full garbage collection now (--settle-gc), answered by 'settled'. */
  | { type: 'settle' }
  | { type: 'stop' };

/** Receiver process → parent. */
export type RemoteEvent =
  | { type: 'started'; account: string; contactLink: string }
  | { type: 'contact-added' }
  | { type: 'message'; text: string; via: 'direct' | 'relay' }
  /** `cpuMs`: the receiver process's CPU time (user + system) so far, for per-CPU figures under load. */
  /** `*At`: epoch ms (performance.timeOrigin + now()) of the first and last byte in the sink and the event. */
  | {
      type: 'file';
      name: string;
      size: number;
      cpuMs: number;
      firstByteAt: number;
      lastByteAt: number;
      fileAt: number;
    }
  /** The file the last `file` event announced, as the receiving device kept it (after the round's figures). */
  | { type: 'file-kept'; name: string; size: number; sha256: string }
  | { type: 'raw-open' }
  | { type: 'raw-signal'; data: unknown }
  | { type: 'raw-ready'; cpuMs: number }
  | { type: 'raw-done'; cpuMs: number }
  | { type: 'cpu'; cpuMs: number }
  | { type: 'settled' }
  | { type: 'stopped' };

/**
 * --settle-gc: every process of the bench collects its garbage between rounds, outside what is measured, so
 * no round pays for the one before it (the raw receiver's process, which a real transfer does not have,
 * otherwise finishes its marking while the engine's round runs).
 */
export function settleGc(): boolean {
  return process.argv.includes('--settle-gc');
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The receiving device in its own process (processes/receiver.node.ts), driven over IPC. */
export class RemoteReceiver {
  readonly #child: ChildProcess;
  readonly #listeners = new Set<(event: RemoteEvent) => void>();

  constructor() {
    const launch = receiverLaunch();
    this.#child = fork(fileURLToPath(new URL('../processes/receiver.node.ts', import.meta.url)), [], {
      cwd: REPO_ROOT,
      // BENCH_RECEIVER_PROFILE=<dir>: a V8 CPU profile of the receiving process, written there on exit.
      ...(launch.execPath === undefined ? {} : { execPath: launch.execPath }),
      execArgv: [
        ...launch.head,
        '--import',
        'tsx',
        ...(process.env.BENCH_RECEIVER_NODE_FLAGS?.split(' ') ?? []),
        ...(settleGc() ? ['--expose-gc'] : []),
        ...(process.env.BENCH_RECEIVER_PROFILE === undefined
          ? []
          : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_RECEIVER_PROFILE}`]),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (event: RemoteEvent) => {
      for (const listener of [...this.#listeners]) listener(event);
    });
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  send(request: RemoteRequest): void {
    this.#child.send(request);
  }

  on(listener: (event: RemoteEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The next event that satisfies `match`. */
  next<T extends RemoteEvent['type']>(
    type: T,
    match: (event: Extract<RemoteEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 120_000,
  ): Promise<Extract<RemoteEvent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out waiting for the receiver's ${type}`));
      }, timeoutMs);
      const off = this.on((event) => {
        if (event.type !== type || !match(event as Extract<RemoteEvent, { type: T }>)) return;
        clearTimeout(timer);
        off();
        resolve(event as Extract<RemoteEvent, { type: T }>);
      });
    });
  }

  async stop(): Promise<void> {
    const stopped = this.next('stopped', () => true, 10_000).catch(() => undefined);
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.send({ type: 'stop' });
    await stopped;
    // It exits by itself (writing its CPU profile, if asked); killed only if it does not within 5 s.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    this.#child.kill();
  }
}
