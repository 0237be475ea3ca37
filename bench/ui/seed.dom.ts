/**
 * Bundled by the UI bench (esbuild, IIFE) and injected into the web client's own origin while it shows the
 * unlock screen, so nothing else has the database open: writes one contact and conversations holding many
 * messages through core's storage layer, exactly as the engine stores them (sealed, indexed, searchable).
 */
import {
  generateIdentity,
  identityString,
  openClientDatabase,
  passphraseKeyWrapper,
  type IndexedDbFactory,
  type NewMessage,
  type Pbkdf2Subtle,
} from '@parley/core';

export interface SeedRequest {
  readonly databaseName: string;
  readonly passphrase: string;
  /** Conversation title → how many messages it holds. */
  readonly conversations: Readonly<Record<string, number>>;
}

const WORDS = 'the quick brown fox jumps over a lazy dog while we plan the weekend trip together again'.split(
  ' ',
);
const BATCH = 2_000;

async function seed(request: SeedRequest): Promise<void> {
  const db = await openClientDatabase({
    indexedDB: (globalThis as unknown as { indexedDB: IndexedDbFactory }).indexedDB,
    name: request.databaseName,
    keyWrapper: passphraseKeyWrapper({
      passphrase: request.passphrase,
      subtle: (globalThis as unknown as { crypto: { subtle: Pbkdf2Subtle } }).crypto.subtle,
    }),
  });
  try {
    const self = await db.identities.getLocalDevice();
    if (self === undefined) throw new Error('seed: the database has no identity yet (onboard first)');
    const selfAddress = self.address;
    const now = Date.now();
    for (const [title, count] of Object.entries(request.conversations)) {
      const account = identityString(generateIdentity().identityKey);
      const conversationId = `direct:${account}`;
      await db.contacts.put({ account, displayName: title, deviceIds: [1], addedAt: now, blocked: false });
      const start = now - count * 60_000;
      for (let offset = 0; offset < count; offset += BATCH) {
        const batch: NewMessage[] = [];
        for (let i = offset; i < Math.min(count, offset + BATCH); i++) {
          const outgoing = i % 3 === 0;
          const words = 3 + (i % 17);
          let text = `#${i}`;
          for (let w = 0; w < words; w++) text += ` ${WORDS[(i * 7 + w) % WORDS.length]}`;
          batch.push({
            id: `seed-${title}-${i}`,
            conversationId,
            sender: outgoing ? selfAddress : { name: account, deviceId: 1 },
            sentAt: start + i * 60_000,
            senderCounter: i,
            receivedAt: start + i * 60_000,
            direction: outgoing ? 'outgoing' : 'incoming',
            state: outgoing ? 'read' : 'received',
            text,
          });
        }
        await db.messages.insertMany(batch);
      }
      const last = count - 1;
      await db.conversations.put({
        id: conversationId,
        kind: 'direct',
        title,
        members: [account],
        lastActivity: start + last * 60_000,
        lastMessageId: `seed-${title}-${last}`,
        unreadCount: 0,
        archived: false,
      });
    }
  } finally {
    db.close();
  }
}

(globalThis as { parleyBenchSeed?: typeof seed }).parleyBenchSeed = seed;
