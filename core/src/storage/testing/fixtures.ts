import { openClientDatabase, type ClientDatabase } from '../client-database.js';
import type { IndexedDbFactory } from '../idb-environment.js';
import { createSecretboxKeyWrapper } from '../key-wrapper.js';
import type { NewMessage } from '../types.js';
import { freshIndexedDb } from './fake-indexeddb.js';

/** A fixed wrapping key, so tests that are not about key derivation skip PBKDF2's deliberate slowness. */
export const TEST_WRAPPING_KEY = new Uint8Array(32).fill(7);

export async function openTestDatabase(
  indexedDB: IndexedDbFactory = freshIndexedDb(),
  name = 'parley-test',
  now: () => number = () => 1_700_000_000_000,
): Promise<ClientDatabase> {
  return openClientDatabase({
    indexedDB,
    name,
    keyWrapper: createSecretboxKeyWrapper(TEST_WRAPPING_KEY),
    now,
  });
}

export const ALICE = { name: 'alice-identity', deviceId: 1 } as const;
export const BOB = { name: 'bob-identity', deviceId: 1 } as const;

export function message(overrides: Partial<NewMessage> & Pick<NewMessage, 'id'>): NewMessage {
  return {
    conversationId: 'conv-1',
    sender: ALICE,
    sentAt: 1_700_000_000_000,
    senderCounter: 0,
    receivedAt: 1_700_000_000_500,
    direction: 'incoming',
    state: 'received',
    text: `hello ${overrides.id}`,
    ...overrides,
  };
}
