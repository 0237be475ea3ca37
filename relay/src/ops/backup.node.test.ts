import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig, type RelayConfig } from '../config.js';
import { startRelay, type Relay } from '../relay.node.js';
import { SQLITE_FILE } from '../store/open.node.js';
import { runCli } from '../testing/cli.node.js';
import { connectClient, makeIdentity, type TestClient } from '../testing/client.node.js';

let root: string;
const relays: Relay[] = [];
const clients: TestClient[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'parley-backup-'));
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of relays.splice(0)) await relay.close();
  await rm(root, { recursive: true, force: true });
});

const config = (dataDir: string): RelayConfig =>
  defaultConfig({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir });

async function start(dataDir: string): Promise<Relay> {
  const relay = await startRelay(config(dataDir));
  relays.push(relay);
  return relay;
}

async function connect(relay: Relay, identity = makeIdentity()): Promise<TestClient> {
  const client = await connectClient(relay.url, { identity });
  clients.push(client);
  return client;
}

const keyOf = (relay: Relay) => Buffer.from(relay.context.relayKey.publicKey).toString('base64url');

describe('parley-relay backup and restore', () => {
  it('restores a backup taken while the relay ran: same relay key, and a pending message is still delivered', async () => {
    const live = join(root, 'live');
    const first = await start(live);
    const alice = await connect(first);
    const bob = makeIdentity();
    const { id } = await alice.ok('blob:deposit', {
      recipients: [bob.id],
      payload: Buffer.from('sent while bob was away'),
    });

    // Online: the relay keeps running and holds its own connection while the copy is made.
    const backup = await runCli(['backup', join(root, 'backup'), '--data-dir', live]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({
      file: join(root, 'backup', SQLITE_FILE),
      relayKey: keyOf(first),
    });
    // A message accepted after the backup is not in it; the backup is a point in time.
    await alice.ok('blob:deposit', { recipients: [bob.id], payload: Buffer.from('after the backup') });

    // The machine is lost; a new one gets the backup.
    const restoredDir = join(root, 'restored');
    const restore = await runCli(['restore', join(root, 'backup'), '--data-dir', restoredDir]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ relayKey: keyOf(first) });

    const second = await start(restoredDir);
    expect(keyOf(second)).toBe(keyOf(first));
    const bobClient = await connect(second, bob);
    const blob = await bobClient.next('blob');
    expect(blob.id).toBe(id);
    expect(Buffer.from(blob.payload as Uint8Array).toString()).toBe('sent while bob was away');
    expect(bobClient.received('blob')).toEqual([]);
  });

  it('refuses to restore over an existing store without --force, and names what is missing', async () => {
    const live = join(root, 'live');
    await start(live);
    const backup = await runCli(['backup', join(root, 'backup'), '--data-dir', live]);
    expect(backup.code, backup.stderr).toBe(0);

    const over = await runCli(['restore', join(root, 'backup'), '--data-dir', live]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('pass --force');

    const nothing = await runCli(['restore', join(root, 'nowhere'), '--data-dir', join(root, 'x')]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('no backup at');
    const noStore = await runCli(['backup', join(root, 'b2'), '--data-dir', join(root, 'empty')]);
    expect(noStore.code).toBe(2);
    expect(existsSync(join(root, 'b2', SQLITE_FILE))).toBe(false);
  });
});
