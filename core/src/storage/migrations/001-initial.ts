import type { ParleyDb } from '../idb-environment.js';

/** Version 1: every store the engine needs, with the indexes its hot queries use. */
export function migration001Initial(db: ParleyDb): void {
  db.createObjectStore('meta', { keyPath: 'key' });
  db.createObjectStore('identity', { keyPath: 'slot' });

  // Crypto state is keyed by (account, device) like the crypto layer's ProtocolAddress.
  const sessions = db.createObjectStore('sessions', { keyPath: ['name', 'deviceId'] });
  sessions.createIndex('byName', 'name');
  db.createObjectStore('trustedIdentities', { keyPath: 'name' });
  db.createObjectStore('preKeys', { keyPath: ['kind', 'keyId'] });
  const senderKeys = db.createObjectStore('senderKeys', { keyPath: ['groupId', 'name', 'deviceId'] });
  senderKeys.createIndex('byGroup', 'groupId');

  db.createObjectStore('contacts', { keyPath: 'account' });
  const conversations = db.createObjectStore('conversations', { keyPath: 'id' });
  conversations.createIndex('byLastActivity', 'lastActivity');

  // The primary key is the message id, which is what makes a second insert of the same message a no-op.
  const messages = db.createObjectStore('messages', { keyPath: 'id' });
  // Latest-N of a conversation is a reverse cursor over [conversationId, sortKey]: it reads N records, not all.
  messages.createIndex('byConversationOrder', ['conversationId', 'sortKey']);

  const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
  // Sparse: only entries waiting to be sent have nextAttemptAt, so due(now) reads just those.
  outbox.createIndex('byNextAttemptAt', 'nextAttemptAt');
  outbox.createIndex('byMessage', 'messageId');

  const attachments = db.createObjectStore('attachments', { keyPath: 'id' });
  attachments.createIndex('byMessage', 'messageId');
}
