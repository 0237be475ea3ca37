import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.node.js';

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server and deletes its directory; harmless to call twice. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Append-only file with fsync every second, for tests that restart Redis and expect data back. */
  appendOnly?: boolean;
  /** Starts the node with cluster mode on (its bus on another free port), for testing/redis-cluster.node.ts. */
  cluster?: boolean;
}

const BINARY_CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

/**
 * Starts a real redis-server on 127.0.0.1 and a free port, in its own temp directory, for tests: Parley's
 * Redis code is only ever tested against the real server, never a mock.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = BINARY_CANDIDATES.find((path) => existsSync(path));
  if (!binary) {
    throw new Error(
      "redis-server is not installed; install Debian's package: sudo apt-get install redis-server",
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'parley-redis-'));
  // Another process may grab the port between our probe and redis binding it: retry a few times.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        options.appendOnly ? 'yes' : 'no',
        '--appendfsync',
        'everysec',
        '--protected-mode',
        'yes',
        '--loglevel',
        'warning',
        // The bus port defaults to port + 10000, which may be taken or past 65535: pick a free one.
        ...(options.cluster ? ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'] : []),
        ...(options.cluster ? ['--cluster-port', String(await freePort())] : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      await waitForPing(child, port);
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
      continue;
    }
    let stopped: Promise<void> | undefined;
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      stop: () => (stopped ??= stop(child, dir)),
    };
  }
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
}

/** Polls with PING over a raw socket until redis answers PONG, or fails if the process exits first. */
async function waitForPing(child: ChildProcess, port: number): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${stderr.trim()}`)));
    child.once('error', reject);
  });
  exited.catch(() => undefined);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await Promise.race([ping(port), exited])) return;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 20)), exited]);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s: ${stderr.trim()}`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
  });
}
