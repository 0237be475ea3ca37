import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_BLOB_QUOTA, BENCH_RATE_LIMITS } from './bench-limits.js';

/**
 * A server under test in its own process, so it gets a core of its own and its RSS and CPU time are its own
 * (the load-generating clients stay in the bench process). The child speaks a tiny IPC protocol: it sends
 * `{ type: 'ready', port }` once listening, then answers each request (`gc`, `profile-start`,
 * `profile-stop`) with `{ type: 'done' }`.
 */
export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Resident set size in bytes (VmRSS from /proc). */
  rss(): number;
  /** User + system CPU time consumed so far, in milliseconds. */
  cpuMs(): number;
  /** Runs a full garbage collection in the child (started with --expose-gc). */
  gc(): Promise<void>;
  /**
   * With `BENCH_CPU_PROF=<dir>` set, starts a V8 CPU profile of the child and returns a function that
   * stops it and writes `<dir>/<label>.cpuprofile`: only the measured stretch, not start-up or connecting.
   * Without it, does nothing.
   */
  profile(label: string): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

type ParentRequest = { type: 'gc' } | { type: 'profile-start' } | { type: 'profile-stop'; path: string };
type ChildMessage = { type: 'ready'; port: number } | { type: 'done' };

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

export async function startServerProcess(script: string, options: object = {}): Promise<ServerProcess> {
  // BENCH_RELAY=compiled runs the relay as deployed (relay/build under plain node) instead of its sources.
  const compiled = script === 'relay.node.ts' && process.env.BENCH_RELAY === 'compiled';
  const child: ChildProcess = fork(
    fileURLToPath(new URL(`../servers/${compiled ? 'relay-compiled.mjs' : script}`, import.meta.url)),
    [JSON.stringify(compiled ? compiledOverrides(options) : options)],
    {
      cwd: REPO_ROOT,
      execArgv: compiled ? ['--expose-gc'] : ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${script}`);
  const port = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${script} exited with ${code} before listening`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'ready') return;
      child.off('exit', onExit);
      resolve(message.port);
    });
  });

  // Requests are answered in order, one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const request = (message: ParentRequest) => {
    const answered = queue.then(
      () =>
        new Promise<void>((resolve) => {
          const onMessage = (reply: ChildMessage) => {
            if (reply.type !== 'done') return;
            child.off('message', onMessage);
            resolve();
          };
          child.on('message', onMessage);
          child.send(message);
        }),
    );
    queue = answered;
    return answered;
  };

  let stopped: Promise<void> | undefined;
  return {
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    rss: () => {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (!match?.[1]) throw new Error(`no VmRSS for ${pid}`);
      return Number(match[1]) * 1024;
    },
    cpuMs: () => {
      // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    },
    gc: () => request({ type: 'gc' }),
    profile: async (label) => {
      const dir = process.env.BENCH_CPU_PROF;
      if (!dir) return async () => undefined;
      await request({ type: 'profile-start' });
      return () => request({ type: 'profile-stop', path: join(dir, `${label}.cpuprofile`) });
    },
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })),
  };
}

/** relay.node.ts's options as the config overrides relay-compiled.mjs applies. */
function compiledOverrides(options: { redisUrl?: string }): object {
  const store = options.redisUrl ? { kind: 'redis', url: options.redisUrl } : { kind: 'sqlite' };
  return { store, rateLimits: BENCH_RATE_LIMITS, blobQuota: BENCH_BLOB_QUOTA };
}

/** The child's side of the protocol: announce the port, answer requests, exit cleanly on SIGTERM. */
export function serveParent(port: number, close: () => Promise<void>): void {
  const send = (message: ChildMessage) => process.send?.(message);
  let inspector: Session | undefined;
  const handle = async (message: ParentRequest) => {
    if (message.type === 'gc') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
    } else if (message.type === 'profile-start') {
      inspector = new Session();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    } else if (inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(message.path, JSON.stringify(profile));
      inspector.disconnect();
      inspector = undefined;
    }
  };
  process.on('message', (message: ParentRequest) => {
    void handle(message).finally(() => send({ type: 'done' }));
  });
  process.once('SIGTERM', () => {
    void close().finally(() => process.exit(0));
  });
  // The parent going away (a crashed bench) must not leave a server running.
  process.once('disconnect', () => {
    void close().finally(() => process.exit(0));
  });
  send({ type: 'ready', port });
}

export function parseOptions<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}
