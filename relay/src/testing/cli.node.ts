import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `parley-relay` as an operator would, in a process of its own. Tests run the TypeScript through tsx (the
 * development path); the packaged, compiled CLI is tested by integration/package.node.test.ts.
 */
const CLI = fileURLToPath(new URL('../cli.node.ts', import.meta.url));
/** tsx's loader by absolute URL, so the CLI can be started from any folder (tests of the data directory do). */
const TSX = import.meta.resolve('tsx');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ReturnType<typeof spawn>;
  output: { stdout: string; stderr: string };
  exited: Promise<CliRun>;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** The command to run instead of the sources through tsx, e.g. an installed `parley-relay`. */
  command?: string[];
}

export function startCli(args: string[], options: CliOptions = {}): CliProcess {
  const [command, ...prefix] = options.command ?? [process.execPath, '--import', TSX, CLI];
  const child = spawn(command as string, [...prefix, ...args], {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output.stderr += text));
  const exited = new Promise<CliRun>((resolve) => child.on('exit', (code) => resolve({ code, ...output })));
  return { child, output, exited };
}

export const runCli = (args: string[], options: CliOptions = {}) => startCli(args, options).exited;

/** Polls `url` until it answers 200 or the process exits; true when it answered. */
export async function waitUntilServing(url: string, relay: CliProcess): Promise<boolean> {
  while (relay.child.exitCode === null) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return true;
    await sleep(50);
  }
  return false;
}

/** The relay's `relay listening` log line, parsed, once it has been printed. */
export function listeningLine(stdout: string): Record<string, unknown> | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.includes('"relay listening"')) continue;
    return JSON.parse(line) as Record<string, unknown>;
  }
  return undefined;
}
