export { ClientDatabase, openClientDatabase } from './client-database.js';
export type {
  IncomingBatchCommit,
  IncomingCommit,
  OpenClientDatabaseOptions,
  OutgoingCommit,
  StateEntry,
} from './client-database.js';
export type { IndexedDbFactory } from './idb-environment.js';
export { createSecretboxKeyWrapper } from './key-wrapper.js';
export type { DerivedKeyWrapper, KeyDerivationParams, KeyWrapper, KeyWrapperSource } from './key-wrapper.js';
export { PBKDF2_MIN_ITERATIONS, passphraseKeyWrapper } from './passphrase-key-wrapper.js';
export type { PassphraseKeyWrapperOptions, Pbkdf2Subtle } from './passphrase-key-wrapper.js';
export type {
  IndexedDbIdentityStore,
  IndexedDbPreKeyStore,
  IndexedDbSenderKeyStore,
  IndexedDbSessionStore,
  LocalDevice,
} from './crypto-stores/indexeddb-stores.js';
export { StagedCryptoStores } from './crypto-stores/staged-crypto-stores.js';
export type { CryptoChanges } from './crypto-stores/staged-crypto-stores.js';
export type { AttachmentRepository } from './repositories/attachments.js';
export type { ContactRepository, ConversationRepository } from './repositories/contacts.js';
export type { EngineStateRepository } from './repositories/engine-state.js';
export type { DeviceListRepository } from './repositories/device-lists.js';
export type { MessageRepository, PageOptions, SearchOptions } from './repositories/messages.js';
export type { AttemptOutcome, NewOutboxEntry, OutboxRepository } from './repositories/outbox.js';
export { SCHEMA_VERSION } from './schema.js';
export type { DatabaseSnapshot } from './snapshot.js';
export { derivePassphraseKey } from './passphrase-key-wrapper.js';
export { tokenize } from './tokenize.js';
export * from './types.js';
