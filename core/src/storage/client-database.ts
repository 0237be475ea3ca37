import nacl from 'tweetnacl';
import { ParleyError } from '../errors/index.js';
import { StorageContext, inTransaction } from './context.js';
import {
  openIndexedDb,
  requireIndexedDbGlobals,
  startTransaction,
  type IndexedDbFactory,
  type ParleyDb,
} from './idb-environment.js';
import {
  isDerivedKeyWrapper,
  type KeyDerivationParams,
  type KeyWrapper,
  type KeyWrapperSource,
} from './key-wrapper.js';
import { ContentCipher, newContentKey } from './content-cipher.js';
import { migrate } from './migrations/index.js';
import { resealLegacyRows } from './migrations/005-sealed-content.js';
import {
  IndexedDbIdentityStore,
  IndexedDbPreKeyStore,
  IndexedDbSenderKeyStore,
  IndexedDbSessionStore,
  sessionRow,
} from './crypto-stores/indexeddb-stores.js';
import { StagedCryptoStores, type CryptoChanges } from './crypto-stores/staged-crypto-stores.js';
import { AttachmentRepository } from './repositories/attachments.js';
import { ContactRepository, ConversationRepository } from './repositories/contacts.js';
import { DeviceListRepository } from './repositories/device-lists.js';
import { EngineStateRepository } from './repositories/engine-state.js';
import { MESSAGE_STORES, MessageRepository, insertMessageInTx } from './repositories/messages.js';
import { OutboxRepository, enqueueInTx, type NewOutboxEntry } from './repositories/outbox.js';
import { SCHEMA_VERSION } from './schema.js';
import { isEmptyDatabase, restoreSnapshot, takeSnapshot, type DatabaseSnapshot } from './snapshot.js';
import type { EngineStateRow, SenderKeyRow, SessionRow } from './schema.js';
import type { InsertResult, NewMessage } from './types.js';

export interface OpenClientDatabaseOptions {
  /** `indexedDB` in a browser or Electron renderer; fake-indexeddb's `new IDBFactory()` in Node tests. */
  readonly indexedDB: IndexedDbFactory;
  readonly name: string;
  /** Wraps keys at rest: a fixed KeyWrapper, or one derived from parameters kept in this database (passphrase). */
  readonly keyWrapper: KeyWrapperSource;
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly now?: () => number;
}

export interface IncomingCommit {
  /** What decrypting `message` changed: usually `stage.changes()` of the StagedCryptoStores it ran on. */
  readonly crypto: CryptoChanges;
  readonly message: NewMessage;
}

export interface IncomingBatchCommit {
  readonly crypto: CryptoChanges;
  readonly messages: readonly NewMessage[];
  /**
   * Engine state written in the same transaction if at least one message was new: what must follow from
   * storing them even if the app dies right after (the delivered receipt still owed to their sender).
   */
  readonly onInsert?: StateEntry;
  /**
   * Engine state written with each message (by index), in the same transaction, if that message is new (a
   * duplicate's never overwrites what its first copy wrote): what must be on disk as soon as the message is,
   * so a restart right after the commit finds it (the record of the file a message announces).
   */
  readonly withEach?: readonly (readonly StateEntry[])[];
}

/** One engine-state value by key, as `engineState.put` takes it. */
export interface StateEntry {
  readonly key: string;
  readonly value: unknown;
}

export interface OutgoingCommit {
  readonly message: NewMessage;
  /** One entry per recipient device. */
  readonly outbox: readonly NewOutboxEntry[];
}

const META_KEY_DERIVATION = 'keyDerivation';
const META_KEY_CHECK = 'keyCheck';
const META_CONTENT_KEY = 'contentKey';

/**
 * Everything a Parley client keeps, in one IndexedDB database, behind small typed repositories. Methods of a closed
 * database throw ParleyError('CLOSED'); `close()` is idempotent.
 */
export class ClientDatabase {
  /** The crypto layer's stores: pass `{ sessions, identities, preKeys }` to a SessionCipher. */
  readonly sessions: IndexedDbSessionStore;
  readonly identities: IndexedDbIdentityStore;
  readonly preKeys: IndexedDbPreKeyStore;
  readonly senderKeys: IndexedDbSenderKeyStore;
  readonly contacts: ContactRepository;
  readonly conversations: ConversationRepository;
  readonly messages: MessageRepository;
  readonly outbox: OutboxRepository;
  readonly attachments: AttachmentRepository;
  /** The engine's groups, statuses, timers, contacts' relays and reactions: sealed JSON values by key. */
  readonly engineState: EngineStateRepository;
  /** Verified device lists per account (linked devices), since migration 006. */
  readonly deviceLists: DeviceListRepository;

  /** @internal Use {@link openClientDatabase}. */
  constructor(private readonly context: StorageContext) {
    this.sessions = new IndexedDbSessionStore(context);
    this.identities = new IndexedDbIdentityStore(context);
    this.preKeys = new IndexedDbPreKeyStore(context);
    this.senderKeys = new IndexedDbSenderKeyStore(context);
    this.contacts = new ContactRepository(context);
    this.conversations = new ConversationRepository(context);
    this.messages = new MessageRepository(context);
    this.outbox = new OutboxRepository(context);
    this.attachments = new AttachmentRepository(context);
    this.engineState = new EngineStateRepository(context);
    this.deviceLists = new DeviceListRepository(context);
  }

  get closed(): boolean {
    return this.context.closed;
  }

  get version(): number {
    return this.context.db.version;
  }

  /**
   * Crypto stores for decrypting one incoming message: reads see the database, writes stay in memory until
   * {@link commitIncoming}. Give them to a SessionCipher (or a GroupCipher) for that one decryption:
   *
   *     const stage = db.stageCrypto();
   *     const { plaintext } = await new SessionCipher(stage, options).decrypt(address, bytes);
   *     await db.commitIncoming({ crypto: stage.changes(), message: toMessage(plaintext) });
   */
  stageCrypto(): StagedCryptoStores {
    return new StagedCryptoStores(this);
  }

  /**
   * Stores the ratchet or sender-key state (and spent one-time prekey, and trust decision) that decrypting `message` produced,
   * and the message itself, in ONE transaction: after a crash either both are on disk or neither is, so a message
   * is never lost after its key was spent, and a spent key is never kept to be used again. A duplicate message
   * still commits the crypto changes (the key is spent either way) and returns 'duplicate'.
   */
  async commitIncoming(commit: IncomingCommit): Promise<InsertResult> {
    const [result] = await this.commitIncomingBatch({ crypto: commit.crypto, messages: [commit.message] });
    if (result === undefined) throw new ParleyError('INTERNAL', 'no result for the committed message');
    return result;
  }

  /**
   * {@link commitIncoming} for several messages that one decryption produced (a batch the sender sealed
   * together): the crypto changes and every message in ONE transaction. Resolves each message's result, in
   * order; duplicates among them add nothing.
   */
  async commitIncomingBatch(commit: IncomingBatchCommit): Promise<InsertResult[]> {
    const { sessions, removedOneTimePreKeys, trusted, senderKeys = [] } = commit.crypto;
    // Wrap first: nothing but IndexedDB requests may be awaited once the transaction is open.
    const rows: { key: [string, number]; row: SessionRow | null }[] = [];
    for (const { address, record } of sessions) {
      rows.push({
        key: [address.name, address.deviceId],
        row: record === null ? null : await sessionRow(this.context, address, record),
      });
    }
    const senderKeyRows: SenderKeyRow[] = [];
    for (const { groupId, sender, record } of senderKeys) {
      senderKeyRows.push({
        groupId,
        name: sender.name,
        deviceId: sender.deviceId,
        record: await this.context.wrapText(record),
      });
    }
    const owed = commit.onInsert === undefined ? undefined : await this.engineState.seal(commit.onInsert);
    const withEach: EngineStateRow[][] = [];
    for (const entries of commit.withEach ?? []) {
      const sealed: EngineStateRow[] = [];
      for (const entry of entries) sealed.push(await this.engineState.seal(entry));
      withEach.push(sealed);
    }
    const stores = [
      'sessions',
      'preKeys',
      'trustedIdentities',
      'senderKeys',
      'engineState',
      ...MESSAGE_STORES,
    ] as const;
    return inTransaction(this.context.write(stores), async (tx) => {
      for (const { key, row } of rows) {
        await (row === null ? tx.objectStore('sessions').delete(key) : tx.objectStore('sessions').put(row));
      }
      for (const keyId of removedOneTimePreKeys) await tx.objectStore('preKeys').delete(['one-time', keyId]);
      for (const { name, identity } of trusted) {
        await tx
          .objectStore('trustedIdentities')
          .put({ name, ...identity, identityKey: identity.identityKey.slice() });
      }
      for (const row of senderKeyRows) await tx.objectStore('senderKeys').put(row);
      const results: InsertResult[] = [];
      for (const [index, message] of commit.messages.entries()) {
        const result = await insertMessageInTx(tx, this.context.content, message);
        results.push(result);
        if (result !== 'inserted') continue;
        for (const row of withEach[index] ?? []) await tx.objectStore('engineState').put(row);
      }
      if (owed !== undefined && results.includes('inserted')) await tx.objectStore('engineState').put(owed);
      return results;
    });
  }

  /**
   * Writes an outgoing message and its outbox entries in one transaction, before any send attempt, so a restart
   * resends it instead of losing it. A duplicate message id adds nothing.
   */
  async commitOutgoing(commit: OutgoingCommit): Promise<InsertResult> {
    const now = this.context.now();
    return inTransaction(this.context.write(['outbox', ...MESSAGE_STORES]), async (tx) => {
      const result = await insertMessageInTx(tx, this.context.content, commit.message);
      if (result === 'duplicate') return result;
      for (const entry of commit.outbox) await enqueueInTx(tx, this.context.content, entry, now);
      return result;
    });
  }

  /** Every record, secrets unwrapped, read in one transaction: what an encrypted backup holds. */
  async snapshot(): Promise<DatabaseSnapshot> {
    return takeSnapshot(this.context);
  }

  /** Writes a snapshot into this database, which must be empty (CONFLICT otherwise); all or nothing. */
  async restore(snapshot: DatabaseSnapshot): Promise<void> {
    const { contentKey } = await restoreSnapshot(this.context, snapshot);
    // The restored rows are sealed under the source's content key, which replaced this database's own.
    if (contentKey !== undefined) this.context.content.rekey(contentKey);
  }

  /** No identity, contact, conversation or message yet. */
  async isEmpty(): Promise<boolean> {
    return isEmptyDatabase(this.context);
  }

  close(): void {
    this.context.close();
  }
}

/**
 * Opens (creating or migrating as needed) a client database and checks the key wrapper against it: a wrong
 * passphrase fails here with ParleyError('DECRYPT_FAILED'), not at the first key read.
 */
export async function openClientDatabase(options: OpenClientDatabaseOptions): Promise<ClientDatabase> {
  const keyRange = requireIndexedDbGlobals();
  const db = await openIndexedDb(
    options.indexedDB,
    options.name,
    SCHEMA_VERSION,
    (database, oldVersion, tx) => migrate(database, oldVersion, SCHEMA_VERSION, tx),
  );
  try {
    const keyWrapper = await resolveKeyWrapper(db, options.keyWrapper);
    const content = new ContentCipher(await resolveContentKey(db, keyWrapper));
    const context = new StorageContext(db, keyRange, keyWrapper, options.now ?? (() => Date.now()), content);
    // Migration 005's second half: rows written before it are re-encrypted now that the key is known.
    await resealLegacyRows(db, content, keyRange);
    // Another tab or window wants to upgrade the schema: step aside rather than block it. And if the browser
    // drops the connection (storage cleared, disk error), later calls fail with CLOSED instead of hanging.
    db.addEventListener('versionchange', () => context.close());
    db.addEventListener('close', () => context.close());
    return new ClientDatabase(context);
  } catch (error) {
    db.close();
    throw error;
  }
}

async function resolveKeyWrapper(db: ParleyDb, source: KeyWrapperSource): Promise<KeyWrapper> {
  let wrapper: KeyWrapper;
  let newParams: KeyDerivationParams | undefined;
  if (isDerivedKeyWrapper(source)) {
    const saved = (await db.get('meta', META_KEY_DERIVATION))?.value as KeyDerivationParams | undefined;
    const derived = await source.derive(saved);
    wrapper = derived.wrapper;
    if (saved === undefined) newParams = derived.params;
  } else {
    wrapper = source;
  }
  const check = (await db.get('meta', META_KEY_CHECK))?.value as Uint8Array | undefined;
  if (check !== undefined) {
    await wrapper.unwrap(check); // throws DECRYPT_FAILED under another key
    return wrapper;
  }
  // First open: remember how the key was derived and a sample wrapped under it, in one transaction.
  const sample = await wrapper.wrap(nacl.randomBytes(32));
  await inTransaction(startTransaction(db, ['meta'], 'readwrite'), async (tx) => {
    const meta = tx.objectStore('meta');
    if (newParams !== undefined) await meta.put({ key: META_KEY_DERIVATION, value: newParams });
    await meta.put({ key: META_KEY_CHECK, value: sample });
  });
  return wrapper;
}

/**
 * The database's content key (content-cipher.ts): random, kept in `meta` wrapped by the KeyWrapper, created on
 * the first open of a database that has none (a new one, or one migration 005 just upgraded).
 */
async function resolveContentKey(db: ParleyDb, wrapper: KeyWrapper): Promise<Uint8Array> {
  const stored = (await db.get('meta', META_CONTENT_KEY))?.value as Uint8Array | undefined;
  if (stored !== undefined) return wrapper.unwrap(stored);
  const key = newContentKey();
  const wrapped = await wrapper.wrap(key);
  // Two windows opening at once: the first key written wins, and both use it.
  const raced = await inTransaction(startTransaction(db, ['meta'], 'readwrite'), async (tx) => {
    const meta = tx.objectStore('meta');
    const existing = (await meta.get(META_CONTENT_KEY))?.value as Uint8Array | undefined;
    if (existing === undefined) await meta.put({ key: META_CONTENT_KEY, value: wrapped });
    return existing;
  });
  return raced === undefined ? key : wrapper.unwrap(raced);
}
