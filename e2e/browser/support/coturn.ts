import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

const TURNSERVER = '/usr/bin/turnserver';

/** What a test relay's `turn` setting needs to hand this coturn out (RelayConfig['turn']). */
export interface RelayTurnSetting {
  urls: string[];
  stunUrls: string[];
  secret: string;
  ttlSeconds: number;
}

/**
 * Debian's coturn on 127.0.0.1, with the REST-API shared secret the relay mints credentials from
 * (relay/src/auth/turn.node.ts), as an operator runs it (docs/relay-operations.md) but on loopback only:
 * relayed addresses are 127.0.0.1 too, and loopback peers are allowed (coturn refuses them by default). Used by
 * the Node integration suites and the Playwright specs alike; start it inside the loopback-only namespace.
 */
export class TestCoturn {
  /** coturn's allocation log: each relayed session names the TURN username (`expiry:identity`). */
  readonly logFile: string;
  #child: ChildProcess | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly secret: string,
  ) {
    this.logFile = join(dir, 'turn.log');
  }

  static async start(): Promise<TestCoturn> {
    const coturn = new TestCoturn(
      await mkdtemp(join(tmpdir(), 'parley-coturn-')),
      await freePort(),
      randomBytes(24).toString('hex'),
    );
    await coturn.resume();
    return coturn;
  }

  /** `turn:` URL over UDP, the transport a browser tries first. */
  get url(): string {
    return `turn:127.0.0.1:${this.port}?transport=udp`;
  }

  /** The relay's `turn` setting that hands this server out with short-lived REST credentials. */
  relaySetting(): RelayTurnSetting {
    return { urls: [this.url], stunUrls: [], secret: this.secret, ttlSeconds: 3600 };
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts (again, after `kill()` or `stop()`) on the same port with the same secret. */
  async resume(): Promise<void> {
    if (this.#child !== undefined) return;
    const config = join(this.dir, 'turnserver.conf');
    await writeFile(config, this.#config());
    // -c: our own file, never Debian's /etc/turnserver.conf (which sends the log to syslog, among others).
    const child = spawn(TURNSERVER, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    this.#stopped = new Promise((resolve) => child.once('exit', () => resolve()));
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    // coturn opens its TCP and UDP listeners on the same port together: TCP accepting means UDP is bound too.
    await waitForPort('turnserver', this.port, child, () => stderr);
  }

  /** The TURN server dies at once (SIGKILL): every allocation and relayed path through it is gone. */
  async kill(): Promise<void> {
    await this.#end('SIGKILL');
  }

  /** Stops it and removes its folder. Idempotent. */
  async stop(): Promise<void> {
    await this.#end('SIGTERM');
    await rm(this.dir, { recursive: true, force: true });
  }

  /** coturn's log so far (allocations name their TURN username). */
  async log(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '');
  }

  async #end(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await this.#stopped;
  }

  /** The operator's settings (docs/relay-operations.md) on loopback, with everything kept in `dir`. */
  #config(): string {
    return [
      'listening-ip=127.0.0.1',
      'relay-ip=127.0.0.1',
      `listening-port=${this.port}`,
      'use-auth-secret',
      `static-auth-secret=${this.secret}`,
      'realm=parley.test',
      // Test-only: the peers are on 127.0.0.1 here, which coturn refuses to relay to by default.
      'allow-loopback-peers',
      'no-multicast-peers',
      'no-cli',
      'no-tls',
      'no-dtls',
      'fingerprint',
      `userdb=${join(this.dir, 'turndb')}`,
      `pidfile=${join(this.dir, 'turnserver.pid')}`,
      `log-file=${this.logFile}`,
      'simple-log',
      // Logs each allocation with its username: what shows a call went through this server.
      'verbose',
      '',
    ].join('\n');
  }
}
