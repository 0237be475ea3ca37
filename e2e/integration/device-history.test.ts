import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  HistoryProgress,
  LinkEvents,
  LinkJoin,
  LinkOffer,
  ParleyClient,
  ParleyError,
} from '@parley/core';
import { scenario, until } from './support/harness.js';

// Opens WebRTC: run inside `unshare -rn sh -c 'ip link set lo up && npx vitest run e2e/integration/device-history.test.ts'`.

const s = scenario();
beforeEach(s.setup);
afterEach(s.teardown);

const MESSAGES = 10_000;
const CONVERSATIONS = 4;

function once<K extends keyof LinkEvents & string>(
  emitter: LinkOffer | LinkJoin,
  event: K,
): Promise<LinkEvents[K]> {
  return new Promise((resolve) => {
    const off = emitter.on(event, (payload: LinkEvents[K]) => {
      off();
      resolve(payload);
    });
  });
}

/** A history of `MESSAGES` messages in a few conversations, written straight into the device's database. */
async function seedHistory(client: ParleyClient): Promise<string[]> {
  const ids: string[] = [];
  const perConversation = MESSAGES / CONVERSATIONS;
  for (let c = 0; c < CONVERSATIONS; c++) {
    const peer = `peer-${c}`;
    const id = `direct:${peer}`;
    ids.push(id);
    await client.db.conversations.put({
      id,
      kind: 'direct',
      title: peer,
      members: [peer],
      lastActivity: 0,
      unreadCount: 0,
      archived: false,
    });
    for (let start = 0; start < perConversation; start += 500) {
      await client.db.messages.insertMany(
        Array.from({ length: 500 }, (_, i) => {
          const n = start + i;
          const outgoing = n % 2 === 0;
          return {
            id: `${id}/${n}`,
            conversationId: id,
            sender: { name: outgoing ? client.account : peer, deviceId: 1 },
            sentAt: 1_700_000_000_000 + n * 1000,
            senderCounter: n,
            receivedAt: 1_700_000_000_000 + n * 1000,
            direction: outgoing ? ('outgoing' as const) : ('incoming' as const),
            state: outgoing ? ('read' as const) : ('received' as const),
            text: `message ${n} in ${peer}: ${'lorem ipsum '.repeat(n % 7)}`,
          };
        }),
      );
    }
  }
  return ids;
}

async function countAll(client: ParleyClient, ids: readonly string[]): Promise<number> {
  let total = 0;
  for (const id of ids) {
    let before;
    for (;;) {
      const page = await client.messages.page(id, {
        limit: 1000,
        ...(before === undefined ? {} : { before }),
      });
      total += page.messages.length;
      if (page.nextCursor === undefined) break;
      before = page.nextCursor;
    }
  }
  return total;
}

async function link(
  alice: ParleyClient,
  laptop: ParleyClient,
): Promise<{ offer: LinkOffer; join: LinkJoin }> {
  const offer = alice.linking.offer();
  const join = await laptop.linking.join(offer.text);
  await once(join, 'code');
  await offer.confirm();
  return { offer, join };
}

// Each test moves 10,000 messages into a fake-indexeddb database: on CI's loaded 2-core machine that has
// taken over vitest's 60 s default, so the file gets room (an outcome is waited for, not a speed).
describe('moving the history to a linked device', { timeout: 240_000 }, () => {
  it(`moves ${MESSAGES} messages over the direct link`, async () => {
    const alice = await s.device('alice').start();
    const laptop = await s.device('alice-laptop').start();
    await until(() => alice.connected && laptop.connected, 'both to connect');
    const ids = await seedHistory(alice);

    const progress: HistoryProgress[] = [];
    const offer = alice.linking.offer();
    const join = await laptop.linking.join(offer.text);
    join.on('progress', (event) => progress.push(event));
    await once(join, 'code');
    const done = once(join, 'done');
    await offer.confirm();
    expect(await done).toEqual({ messages: MESSAGES });
    expect(offer.channel?.path).toBe('direct');
    expect(await countAll(laptop, ids)).toBe(MESSAGES);
    // Progress rises to the total in several steps (batches), never past it.
    expect(progress.length).toBeGreaterThan(4);
    expect(progress.at(-1)).toEqual({ messages: MESSAGES, total: MESSAGES });
    expect(progress.every((event, i) => i === 0 || event.messages >= progress[i - 1]!.messages)).toBe(true);
    const newest = await laptop.messages.page(ids[0]!, { limit: 1 });
    expect(newest.messages[0]?.text).toBe(
      (await alice.messages.page(ids[0]!, { limit: 1 })).messages[0]?.text,
    );
  });

  it('resumes from its checkpoint after the direct link breaks halfway', async () => {
    const alice = await s.device('alice').start();
    const laptop = await s.device('alice-laptop').start();
    await until(() => alice.connected && laptop.connected, 'both to connect');
    const ids = await seedHistory(alice);

    const { offer, join } = await link(alice, laptop);
    const broken = once(join, 'error');
    const half = new Promise<number>((resolve) => {
      join.on('progress', ({ messages }) => {
        if (messages < MESSAGES / 2 || join.channel?.closed !== false) return;
        join.channel.directLink?.close(); // the network goes away mid-transfer
        resolve(messages);
      });
    });
    const stoppedAt = await half;
    expect(((await broken) as ParleyError).code).toBeDefined();
    await until(() => offer.phase === 'failed', 'the existing device to see the break');
    const stored = await countAll(laptop, ids);
    expect(stored).toBeGreaterThanOrEqual(stoppedAt);
    expect(stored).toBeLessThan(MESSAGES);

    // A new channel (no short code: the device is listed and holds the resume secret) picks up from there.
    const resumed = await laptop.linking.resume();
    const firstProgress = once(resumed, 'progress');
    const done = once(resumed, 'done');
    expect((await firstProgress).messages).toBeGreaterThan(stoppedAt);
    expect(await done).toEqual({ messages: MESSAGES });
    expect(await countAll(laptop, ids)).toBe(MESSAGES);
  });

  it('refuses a resume from a device that was never linked here', async () => {
    const alice = await s.device('alice').start();
    const stranger = await s.device('stranger').start();
    await until(() => alice.connected && stranger.connected, 'both to connect');
    // The stranger claims a link record it made up, naming Alice's device as host.
    const { host } = alice.linking.offer().payload;
    await stranger.db.engineState.put('device-link:account', {
      account: alice.account,
      deviceId: 2,
      list: { version: 1, account: host, counter: 1, devices: [], signature: 'x' },
      host,
      relay: s.relay().url,
      resumeSecret: 'A'.repeat(43),
    });
    const attempt = await stranger.linking.resume();
    expect(((await once(attempt, 'error')) as ParleyError).code).toBe('NOT_FOUND');
  });
});
