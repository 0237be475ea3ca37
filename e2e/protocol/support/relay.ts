/**
 * The relay as an operator runs it: `parley-relay serve` in its own process (the CLI, not an import), with
 * its JSON log lines collected so tests can read what the operator would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI's sources, run as docs/relay-operations.md says for development (the bin needs a build first). */
const CLI = fileURLToPath(new URL('../../../relay/src/cli.node.ts', import.meta.url));
const NODE_ARGS = ['--import', 'tsx', CLI];

export interface RelayProcess {
  url: string;
  dataDir: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the first log line (so far or later) that `match` accepts. */
  logLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Prints a new invite token for a relay data directory, as `parley-relay invite` does for an operator. */
export function createInvite(dataDir: string): string {
  // spawnSync blocks this worker's event loop, where the test timeout runs: bound it here instead.
  const result = spawnSync(process.execPath, [...NODE_ARGS, 'invite', '--data-dir', dataDir], {
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  if (result.status !== 0)
    throw new Error(
      `invite failed (${result.error?.message ?? `status ${result.status}`}): ${result.stderr}`,
    );
  return result.stdout.trim();
}

export async function newDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parley-conformance-'));
}

export async function startRelayProcess(flags: string[] = [], dataDir?: string): Promise<RelayProcess> {
  const dir = dataDir ?? (await newDataDir());
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...NODE_ARGS,
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data-dir',
      dir,
      '--log-level',
      'debug',
      '--trusted-proxy',
      '127.0.0.1',
      ...flags,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const logs: Array<Record<string, unknown>> = [];
  const watchers: Array<{
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }> = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const text of lines) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      logs.push(line);
      for (const watcher of [...watchers]) {
        if (watcher.match(line)) {
          watchers.splice(watchers.indexOf(watcher), 1);
          watcher.resolve(line);
        }
      }
    }
  });
  const logLine = (match: (line: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = logs.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error('log line never came')), 30_000);
      watchers.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = await Promise.race([
    logLine((line) => line['msg'] === 'relay listening'),
    exited.then(() => {
      throw new Error('the relay exited before listening');
    }),
  ]);
  return {
    url: `http://127.0.0.1:${String(listening['port'])}`,
    dataDir: dir,
    logs,
    logLine,
    async stop() {
      child.kill('SIGTERM');
      // A relay that does not drain must not hold the suite (nor, through its inherited stderr, the runner).
      const fallback = setTimeout(() => {
        process.stderr.write('relay process ignored SIGTERM for 20 s; killing it\n');
        child.kill('SIGKILL');
      }, 20_000);
      await exited;
      clearTimeout(fallback);
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
