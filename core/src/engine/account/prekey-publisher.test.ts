import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityKeyPair } from '../../crypto/index.js';
import type { PreKeyBundle } from '../../protocol/directory.js';
import type { ClientDatabase } from '../../storage/index.js';
import { freshIndexedDb } from '../../storage/testing/fake-indexeddb.js';
import { openTestDatabase } from '../../storage/testing/fixtures.js';
import type { EngineContext } from '../context.js';
import { DEFAULT_PREKEY_LIMITS, PreKeyPublisher } from './prekey-publisher.js';
import { PREKEY_BATCH, loadOrCreateIdentity } from './prekeys.js';
import type { RelayConnection } from '../relay/relay-connection.js';

const DAY = 24 * 60 * 60_000;
let clock: number;
let db: ClientDatabase;
let identity: IdentityKeyPair;
const crypto = { now: () => clock, randomBytes: (length: number) => new Uint8Array(length).fill(5) };

beforeEach(async () => {
  clock = 1_700_000_000_000;
  db = await openTestDatabase(freshIndexedDb(), 'alice', () => clock);
  identity = (await loadOrCreateIdentity(db, crypto)).identity;
});
afterEach(() => db.close());

/** A relay connection that records what it is asked to publish. */
function relay(): RelayConnection & { published: PreKeyBundle[] } {
  const published: PreKeyBundle[] = [];
  const fake = {
    published,
    request: async (_event: string, payload: { bundle: PreKeyBundle }) => {
      published.push(payload.bundle);
      return { oneTimePreKeys: payload.bundle.oneTimePreKeys.length };
    },
  };
  // Only `request` is used by the publisher; the rest of RelayConnection is not needed here.
  return fake as unknown as RelayConnection & { published: PreKeyBundle[] };
}

function publisher(home: RelayConnection): PreKeyPublisher {
  // The publisher reads only these parts of the engine context.
  const ctx = { db, identity, crypto, state: db.engineState, now: () => clock } as unknown as EngineContext;
  return new PreKeyPublisher(ctx, { rotationMs: 7 * DAY, graceMs: 30 * DAY }, (r) => r === home);
}

const stored = async () => (await db.preKeys.oneTimePreKeyIds()).length;

describe('prekeys:low', () => {
  it('is ignored from a relay that is not the home relay: nothing is generated or published there', async () => {
    const home = relay();
    const contactRelay = relay();
    const keys = publisher(home);
    await keys.publish(home);
    for (let i = 0; i < 5; i++) expect(await keys.replenish(contactRelay)).toBe(false);
    expect(contactRelay.published).toEqual([]);
    expect(await stored()).toBe(PREKEY_BATCH);
  });

  it('replenishes once per debounce window however often the home relay asks', async () => {
    const home = relay();
    const keys = publisher(home);
    await keys.publish(home);
    const answers = await Promise.all(Array.from({ length: 10 }, () => keys.replenish(home)));
    expect(answers.filter(Boolean)).toHaveLength(1);
    clock += DEFAULT_PREKEY_LIMITS.lowDebounceMs - 1;
    expect(await keys.replenish(home)).toBe(false);
    clock += 1;
    expect(await keys.replenish(home)).toBe(true);
    expect(await stored()).toBe(3 * PREKEY_BATCH);
  });

  it('keeps a bounded number of unused one-time prekeys, and deletes those past their age', async () => {
    const home = relay();
    const keys = publisher(home);
    await keys.publish(home);
    const firstBatch = await db.preKeys.oneTimePreKeyIds();
    for (let i = 0; i < 20; i++) {
      clock += DEFAULT_PREKEY_LIMITS.lowDebounceMs;
      await keys.replenish(home);
      expect(await stored()).toBeLessThanOrEqual(DEFAULT_PREKEY_LIMITS.maxStored);
    }
    // The oldest went first.
    expect(await db.preKeys.loadOneTimePreKey(Math.min(...firstBatch))).toBeUndefined();
    clock += DEFAULT_PREKEY_LIMITS.maxAgeMs;
    await keys.replenish(home);
    expect(await stored()).toBe(PREKEY_BATCH);
  });
});
