import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, type TestCertificate } from '../testing/certificate.node.js';
import { connectClient, type TestClient } from '../testing/client.node.js';
import { freePort } from '../testing/ports.node.js';

/**
 * The relay terminating TLS itself, as `parley-relay serve --tls-cert --tls-key` in its own process, and a
 * certificate renewal: the files are replaced and the process gets SIGHUP, as certbot's deploy hook does.
 */
const BIN = fileURLToPath(new URL('../../bin/parley-relay.mjs', import.meta.url));

let dir: string;
let first: TestCertificate;
let second: TestCertificate;
let relay: ChildProcessWithoutNullStreams;
let log = '';
let port: number;
const clients: TestClient[] = [];

/** Which certificate a fresh TLS connection is shown (trusting anything, to see what is presented). */
function presentedFingerprint(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      socket.end();
      resolve(fingerprint);
    });
    socket.once('error', reject);
  });
}

async function waitForLog(text: string, from: number): Promise<void> {
  while (!log.slice(from).includes(text)) {
    if (relay.exitCode !== null) throw new Error(`relay exited:\n${log}`);
    await sleep(20);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-tls-'));
  [first, second] = await Promise.all([makeCertificate(dir, 'first'), makeCertificate(dir, 'second')]);
  // The paths the relay is told about; renewal replaces what they hold.
  await copyFile(first.certFile, join(dir, 'live.crt'));
  await copyFile(first.keyFile, join(dir, 'live.key'));
  port = await freePort();
  relay = spawn(
    process.execPath,
    [BIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', join(dir, 'data')],
    {
      env: {
        ...process.env,
        PARLEY_TLS_CERT: join(dir, 'live.crt'),
        PARLEY_TLS_KEY: join(dir, 'live.key'),
        PARLEY_LOG_LEVEL: 'info',
      },
    },
  );
  relay.stdout.setEncoding('utf8').on('data', (text: string) => (log += text));
  relay.stderr.setEncoding('utf8').on('data', (text: string) => (log += text));
  await waitForLog('relay listening', 0);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.close();
  if (relay.exitCode === null) {
    const exited = new Promise((resolve) => relay.once('exit', resolve));
    relay.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

async function client(ca: Buffer): Promise<TestClient> {
  const connected = await connectClient(`https://127.0.0.1:${port}`, { ca: ca.toString() });
  clients.push(connected);
  return connected;
}

describe('a relay serving TLS itself', () => {
  it('serves HTTPS and WSS with the configured certificate, and refuses clients that do not trust it', async () => {
    expect(await presentedFingerprint()).toBe(first.fingerprint);
    const alice = await client(first.cert);
    expect(alice.auth?.token).toBeTruthy();
    await expect(client(second.cert)).rejects.toThrow();
  });

  it('keeps connected clients across a certificate reload on SIGHUP, and shows new connections the new one', async () => {
    const alice = await client(first.cert);
    const bob = await client(first.cert);
    const drops: string[] = [];
    for (const each of [alice, bob]) each.socket.on('disconnect', (reason) => drops.push(reason));

    await copyFile(second.certFile, join(dir, 'live.crt'));
    await copyFile(second.keyFile, join(dir, 'live.key'));
    const mark = log.length;
    relay.kill('SIGHUP');
    await waitForLog('TLS certificate reloaded', mark);

    expect(await presentedFingerprint()).toBe(second.fingerprint);
    // The sessions negotiated before the reload carry on: a signal goes both ways over them.
    await alice.ok('signal', { to: bob.identity, linkId: 'l1', data: { type: 'offer', sdp: 'v=0' } });
    expect((await bob.next('signal')).from).toBe(alice.identity);
    expect(drops).toEqual([]);
    expect(alice.socket.connected && bob.socket.connected).toBe(true);
    // New clients must trust the new certificate; the old one no longer verifies.
    await expect(client(first.cert)).rejects.toThrow();
    expect((await client(second.cert)).auth?.token).toBeTruthy();
  });

  it('keeps the current certificate when the renewed files are unusable', async () => {
    await writeFile(join(dir, 'live.key'), 'not a key');
    const mark = log.length;
    relay.kill('SIGHUP');
    await waitForLog('TLS reload failed', mark);
    expect(await presentedFingerprint()).toBe(second.fingerprint);
    expect(relay.exitCode).toBeNull();
  });
});
