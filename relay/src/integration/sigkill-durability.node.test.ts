import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, uniformRateLimits } from '../config.js';
import { openStore } from '../store/open.node.js';
import { connectClient, makeIdentity, type TestClient, type TestIdentity } from '../testing/client.node.js';
import { spawnRelay, type RelayChild } from './relay-child.node.js';

const SENDERS = 4;
/** The last recipient stays offline until the restart, so all of its messages come from the disk. */
const RECIPIENTS = 4;
/** Deposits acknowledged before the kill; enough that some are still in flight and some are being drained. */
const KILL_AFTER = 300;

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface ReceiverState {
  seen: Set<string>;
  acked: Set<string>;
  redelivered: string[];
}

/**
 * Connects a recipient that dedups by blob id, acks what it gets, and flags any blob the relay had confirmed
 * acked before. It listens before connecting: the backlog follows the auth ack immediately.
 */
function receive(url: string, identity: TestIdentity, state: ReceiverState): Promise<TestClient> {
  return connectClient(url, {
    identity,
    timeoutMs: 5_000,
    prepare(socket) {
      socket.on('blob', (blob: { id: string }) => {
        if (state.acked.has(blob.id)) state.redelivered.push(blob.id);
        if (state.seen.has(blob.id)) return;
        state.seen.add(blob.id);
        socket
          .timeout(5_000)
          .emitWithAck('blob:ack', { ids: [blob.id] })
          .then(
            (result: { ok: boolean }) => result.ok && state.acked.add(blob.id),
            () => undefined,
          );
      });
    },
  });
}

describe('a relay killed with SIGKILL', () => {
  it('delivers every message it acknowledged, exactly once per client, after it restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-sigkill-'));
    dirs.push(dataDir);
    const config = { dataDir, rateLimits: generous };
    const first = await spawnRelay(config);

    const recipients: TestIdentity[] = Array.from({ length: RECIPIENTS }, () => makeIdentity());
    const states: ReceiverState[] = recipients.map(() => ({
      seen: new Set(),
      acked: new Set(),
      redelivered: [],
    }));
    for (const [index, identity] of recipients.slice(0, -1).entries()) {
      await receive(first.url, identity, states[index] as ReceiverState);
    }
    const expected = recipients.map(() => new Set<string>());
    let acknowledged = 0;
    let killing: Promise<void> | undefined;

    const sender = async (n: number) => {
      const client = await connectClient(first.url, { timeoutMs: 5_000 });
      for (let i = 0; ; i += 1) {
        const to = (n + i) % RECIPIENTS;
        const target = recipients[to] as TestIdentity;
        let result;
        try {
          result = await client.request('blob:deposit', {
            recipients: [target.id],
            payload: Buffer.from(`${n}:${i}`),
          });
        } catch {
          return; // The relay died with this deposit in flight: it was never acknowledged.
        }
        if (!result.ok) return;
        expected[to]?.add(result.id);
        acknowledged += 1;
        if (acknowledged === KILL_AFTER) killing = first.kill();
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, (_, n) => sender(n)));
    await killing;
    expect(acknowledged).toBeGreaterThanOrEqual(KILL_AFTER);

    const second: RelayChild = await spawnRelay(config);
    try {
      const reconnected: TestClient[] = [];
      for (const [index, identity] of recipients.entries()) {
        reconnected.push(await receive(second.url, identity, states[index] as ReceiverState));
      }
      for (const [index, state] of states.entries()) {
        const want = expected[index] as Set<string>;
        const client = reconnected[index] as TestClient;
        // Each blob arrives, so waiting on the event loop until the set is complete needs no timing guess.
        while (![...want].every((id) => state.seen.has(id))) {
          await client.next('blob').catch(() => undefined);
        }
        expect(state.redelivered).toEqual([]);
        // Round trip: every ack the client sent has been answered.
        await client.ok('turn:refresh', {});
      }
      for (const client of reconnected) client.close();
    } finally {
      await second.stop();
    }

    // Nothing the recipients acknowledged is pending in the store any more.
    const store = await openStore(defaultConfig({ dataDir }));
    try {
      for (const [index, identity] of recipients.entries()) {
        const pending = await store.blobs.pending(identity.id, 10_000);
        const acked = (states[index] as ReceiverState).acked;
        expect(pending.filter((blob) => acked.has(blob.id))).toEqual([]);
      }
    } finally {
      await store.close();
    }
  });
});

const generous = uniformRateLimits(1_000_000);
