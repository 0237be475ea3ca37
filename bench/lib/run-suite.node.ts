import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface SuiteOptions {
  /** "Relay", "Engine": names the suite in its header and closing line. */
  readonly name: string;
  /** The suite's index module (`import.meta.url`): bench files are resolved next to it. */
  readonly from: string;
  readonly benches: readonly string[];
  /** Only catches a bench that hangs; each bench bounds its own run. */
  readonly timeoutMs: number;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs each bench of a suite in its own process, so one bench's sockets, peer connections, heap and JIT state
 * never colour the next; each prints its own baseline and ratio. Exits non-zero when any bench failed.
 */
export function runSuite({ name, from, benches, timeoutMs }: SuiteOptions): void {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  console.log(
    `${name} benches (Node ${process.version}, load average ${load} on ${availableParallelism()} cores); ` +
      'figures are for this machine, ratios compare across machines',
  );
  const failed: string[] = [];
  const started = performance.now();
  for (const bench of benches) {
    const script = fileURLToPath(new URL(bench, from));
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      // A hung bench is killed; its server child exits when the IPC channel to it closes.
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    if (result.error) console.error(`${bench}: ${result.error.message}`);
    if (result.status !== 0) failed.push(bench);
  }
  console.log(`\n${name} benches done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (failed.length > 0) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}
