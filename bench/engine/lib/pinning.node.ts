import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * --pinned: two devices on one machine, each with a core of its own, as two real devices would have. The
 * sending process (this one, with the relay it starts) runs on CPU 0 and every receiving process on CPU 1,
 * raw and engine alike. Without it both ends share every core, so the wall time of a round follows the sum
 * of both ends' CPU and the sender's work counts against the receiver's throughput.
 */
export function pinned(): boolean {
  return process.argv.includes('--pinned');
}

/** Pins this process (every thread it has now; later threads inherit) to CPU 0; receivers go to CPU 1. */
export function pinSender(): void {
  if (!pinned()) return;
  if (availableParallelism() < 2) throw new Error('--pinned needs two CPUs');
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  process.env.BENCH_RECEIVER_CPUS ??= '1';
}

/**
 * How to start a receiving process: through taskset when BENCH_RECEIVER_CPUS=<list> (set by --pinned),
 * as `fork`'s execPath and the head of its execArgv.
 */
export function receiverLaunch(): { execPath?: string; head: string[] } {
  const cpus = process.env.BENCH_RECEIVER_CPUS;
  if (cpus === undefined) return { head: [] };
  return { execPath: '/usr/bin/taskset', head: ['-c', cpus, process.execPath] };
}
