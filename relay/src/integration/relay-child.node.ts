import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RelayConfig } from '../config.js';

const SCRIPT = fileURLToPath(new URL('../testing/relay-process.node.ts', import.meta.url));

export interface RelayChild {
  url: string;
  child: ChildProcess;
  /** Sends SIGKILL and resolves once the process is gone: no shutdown code runs. */
  kill(): Promise<void>;
  /** Sends SIGTERM and waits for the exit (SIGKILL if a shutdown hangs, so a failing test still cleans up). */
  stop(): Promise<void>;
}

/** Starts `testing/relay-process.node.ts` in a child process and resolves with its URL. */
export async function spawnRelay(overrides: Partial<RelayConfig>): Promise<RelayChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: { ...process.env, PARLEY_RELAY_CONFIG: JSON.stringify(overrides) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`relay process exited early with ${code}`)));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    url,
    child,
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (running()) child.kill('SIGTERM');
      const fallback = setTimeout(() => {
        process.stderr.write('relay process ignored SIGTERM for 20 s; killing it\n');
        child.kill('SIGKILL');
      }, 20_000);
      await exited;
      clearTimeout(fallback);
    },
  };
}
